import type { Context } from "hono";
import { z } from "zod";
import { DistilflareError } from "../errors.js";
import { parsePipelineText } from "../pipeline/serialize.js";
import { mediaTypeOf, YAML_TYPES } from "./media-type.js";
import { startRunBodySchema, type StartRunRequest } from "./schemas.js";

const flagSchema = z.enum(["true", "false"]).transform((flag) => flag === "true");

/** The options a YAML body cannot carry, as query parameters. */
const yamlQuerySchema = z.object({
  use_cache: flagSchema.optional(),
  dry_run: flagSchema.optional(),
  accept_failed_rows: flagSchema.optional(),
  max_cost_usd: z.string().transform(Number).optional(),
  max_requests: z.string().transform(Number).optional(),
});

/** A zod failure as our error: the first issue's field path and message. */
export function invalidRequest(error: z.ZodError, where: string): DistilflareError {
  const issue = error.issues[0];
  const field = issue?.path.join(".") || where;
  const detail = issue?.code === "unrecognized_keys" ? `unknown field(s) ${issue.keys.map((k) => `'${k}'`).join(", ")}` : (issue?.message ?? "invalid");
  return new DistilflareError("invalid_request", `Invalid ${where}: '${field}': ${detail}`, { field, issues: error.issues });
}

export async function readJsonObject(c: Context): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (text.trim() === "") throw new DistilflareError("invalid_request", "The request body is empty; expected a JSON object", { field: "(body)" });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DistilflareError("invalid_request", `Malformed JSON body: ${error instanceof Error ? error.message : String(error)}`, { field: "(body)" });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new DistilflareError(
      "invalid_request",
      `The request body must be a JSON object, got ${Array.isArray(value) ? "an array" : value === null ? "null" : typeof value}`,
      { field: "(body)", expected: "an object" },
    );
  }
  return value as Record<string, unknown>;
}

/** A body that may be left out (empty): `{}` then, else a JSON object. */
export async function readOptionalJsonObject(c: Context): Promise<Record<string, unknown>> {
  if ((await c.req.text()).trim() === "") return {};
  return readJsonObject(c);
}

/**
 * `POST /v1/runs` accepts JSON (`{pipeline, parameters, ...}`) or YAML (the whole body is the
 * serialized pipeline, with optional top-level `parameters`; options come as query params).
 */
export async function readStartRunRequest(c: Context): Promise<StartRunRequest> {
  const type = mediaTypeOf(c.req.header("content-type"));
  if ((YAML_TYPES as readonly string[]).includes(type)) {
    const document = parsePipelineText(await c.req.text(), "yaml") as Record<string, unknown>;
    const { parameters, ...pipeline } = document;
    const query = yamlQuerySchema.safeParse(c.req.query());
    if (!query.success) throw invalidRequest(query.error, "query parameters");
    const body = startRunBodySchema.safeParse({ pipeline, parameters, ...query.data });
    if (!body.success) throw invalidRequest(body.error, "YAML body");
    return body.data;
  }
  if (type !== "application/json" && type !== "") {
    throw new DistilflareError("unsupported_media_type", `Unsupported content-type '${type}'; send application/json or application/yaml`, {
      field: "content-type",
      expected: "application/json or application/yaml",
    });
  }
  const body = startRunBodySchema.safeParse(await readJsonObject(c));
  if (!body.success) throw invalidRequest(body.error, "request body");
  return body.data;
}
