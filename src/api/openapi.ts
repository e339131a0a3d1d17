import { createRoute, type OpenAPIHono, type RouteConfig } from "@hono/zod-openapi";
import type { z } from "zod";
import { errorResponseSchema, pushToHubOptionsSchema, resumeRunBodySchema, startRunBodySchema, validateBodySchema } from "./schemas.js";

/** `{ error: { code, message, details? } }`, the body of every 4xx and 5xx answer. */
export const ErrorSchema = errorResponseSchema.openapi("Error");

const STATUS_TEXT: Record<number, string> = {
  400: "Invalid request: the message names the field and what was expected",
  401: "Missing or invalid bearer token",
  404: "Not found",
  409: "The run is not in a state that allows this",
  413: "Request body too large",
  415: "Unsupported content-type",
  422: "The pipeline's DAG is invalid",
  502: "A remote service (the Hub) failed",
};

type ErrorResponse = { description: string; content: { "application/json": { schema: typeof ErrorSchema } } };

/** The error answers a route may give, each with the shared error body. */
export function errorResponses<const C extends number>(...codes: C[]): Record<C, ErrorResponse> {
  return Object.fromEntries(
    codes.map((code) => [code, { description: STATUS_TEXT[code] ?? "An error", content: { "application/json": { schema: ErrorSchema } } }]),
  ) as Record<C, ErrorResponse>;
}

/** A `/v1` route: it needs the bearer token (when the Worker has one). */
export function v1Route<P extends string, R extends Omit<RouteConfig, "path" | "security"> & { path: P }>(route: R) {
  return createRoute({ ...route, security: BEARER });
}

/** A JSON response documented by a zod schema. */
export function jsonResponse<S extends z.ZodType>(description: string, schema: S) {
  return { description, content: { "application/json": { schema } } };
}

/**
 * Request bodies the handlers read themselves (JSON or YAML, with their own error messages):
 * routes document them by reference, so the route layer does not validate them a second time.
 */
const REQUEST_BODIES = {
  StartRunBody: startRunBodySchema,
  PushToHubBody: pushToHubOptionsSchema,
  ValidateBody: validateBodySchema,
  ResumeRunBody: resumeRunBodySchema,
};

/** A JSON request body documented by reference to one of `REQUEST_BODIES`. */
export function jsonBody(name: keyof typeof REQUEST_BODIES, required = true) {
  return { required, content: { "application/json": { schema: { $ref: `#/components/schemas/${name}` } } } };
}

/** `/v1` routes need the bearer token when the Worker has one; the page and this document do not. */
export const BEARER = [{ bearer: [] }];

/** The OpenAPI 3.1 document of every route registered on `app` with `app.openapi(...)`. */
export function openApiDocument(app: OpenAPIHono): Record<string, unknown> {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "Required when the API_TOKEN secret is set.",
  });
  for (const [name, schema] of Object.entries(REQUEST_BODIES)) app.openAPIRegistry.register(name, schema);
  return app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: { title: "distilflare", version: "1", description: "distilabel's synthetic-data pipelines on Cloudflare Workers." },
  }) as unknown as Record<string, unknown>;
}
