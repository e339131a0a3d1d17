import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { DistilflareError, toDistilflareError } from "../errors.js";
import { bearerAuth } from "./auth.js";
import { redactDeep } from "../security/redact.js";
import { registerDashboardRoutes } from "./dashboard/dashboard-routes.js";
import { requireKnownMediaType } from "./media-type.js";
import { ERROR_ACTIONS } from "../error-actions.js";
import { jsonResponse, openApiDocument } from "./openapi.js";
import { registerPipelineRoutes } from "./pipeline-routes.js";
import { registerCacheRoutes } from "./cache-routes.js";
import { invalidRequest } from "./request-body.js";
import { registerRunRoutes } from "./run-routes.js";
import type { RunService } from "./run-service.js";

export interface ApiOptions {
  /** The bearer token `/v1` requires; without one `/v1` answers 401 unless `allowUnauthenticated`. */
  apiToken?: () => string | undefined;
  /** The owner's `ALLOW_UNAUTHENTICATED = "true"`: `/v1` open without a token (local development only). */
  allowUnauthenticated?: () => boolean;
  /** Secret values to take out of every error message the API returns or logs. */
  secrets?: () => ReadonlyArray<{ name: string; value: string }>;
  /** Largest accepted request body (default 10 MB). */
  maxBodyBytes?: number;
}

const VALIDATION_TARGETS: Record<string, string> = { query: "query parameters", param: "path parameters", header: "headers", json: "request body" };

const openApiRoute = createRoute({
  method: "get",
  path: "/openapi.json",
  summary: "This document",
  responses: { 200: jsonResponse("The OpenAPI 3.1 document", z.record(z.string(), z.unknown())) },
});

/** The shape of every error response: `{ error: { code, message, details? } }`. */
export function errorResponse(c: Context, error: unknown, secrets: ReadonlyArray<{ name: string; value: string }> = []): Response {
  const failure = toDistilflareError(error);
  const body = redactDeep(failure.toJSON(), secrets);
  const status = ERROR_ACTIONS[failure.code].status;
  if (status >= 500) console.error(`${c.req.method} ${c.req.path}: ${body.message}`);
  return c.json({ error: body }, status as 400);
}

/**
 * The v1 HTTP API (DESIGN.md section 5) over a `RunService`.
 *
 * @example
 * export default { fetch: createApi(service, { apiToken: () => env.API_TOKEN }).fetch };
 */
export function createApi(service: RunService, options: ApiOptions = {}): OpenAPIHono {
  // Parameters the route definitions validate fail with the same error body as everything else.
  const app = new OpenAPIHono({
    defaultHook: (result) => {
      if (!result.success) throw invalidRequest(result.error, VALIDATION_TARGETS[result.target] ?? result.target);
    },
  });
  const maxBytes = options.maxBodyBytes ?? 10 * 1024 * 1024;
  app.onError((error, c) => errorResponse(c, error, options.secrets?.() ?? []));
  app.notFound((c) => errorResponse(c, new DistilflareError("not_found", `No route for ${c.req.method} ${c.req.path}`)));
  registerDashboardRoutes(app);
  app.openapi(openApiRoute, (c) => c.json(openApiDocument(app), 200));
  app.use("/v1/*", bearerAuth({ token: options.apiToken ?? (() => undefined), allowUnauthenticated: options.allowUnauthenticated ?? (() => false) }));
  app.use("/v1/*", requireKnownMediaType());
  app.use(
    "/v1/*",
    bodyLimit({
      maxSize: maxBytes,
      onError: () => {
        throw new DistilflareError("payload_too_large", `The request body is larger than ${maxBytes} bytes`, {
          field: "(body)",
          expected: `at most ${maxBytes} bytes`,
        });
      },
    }),
  );
  registerRunRoutes(app, service);
  registerPipelineRoutes(app, service);
  registerCacheRoutes(app, service.store);
  return app;
}
