import type { MiddlewareHandler } from "hono";
import { DistilflareError } from "../errors.js";

export const JSON_TYPE = "application/json";
export const YAML_TYPES = ["application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"] as const;

/** The request's media type without parameters, lower-cased ("" when absent). */
export function mediaTypeOf(header: string | undefined): string {
  return (header ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

function hasBody(request: Request): boolean {
  const length = request.headers.get("content-length");
  if (length !== null) return Number(length) > 0;
  return request.body !== null;
}

/**
 * Every request with a body must say it is JSON or YAML. A form or `text/plain` body is what a
 * web page can send cross-site without a CORS preflight; refusing it (415) means no page the
 * owner visits can start a run on their API.
 */
export function requireKnownMediaType(): MiddlewareHandler {
  return async (c, next) => {
    if (!hasBody(c.req.raw)) return next();
    const type = mediaTypeOf(c.req.header("content-type"));
    if (type === JSON_TYPE || (YAML_TYPES as readonly string[]).includes(type)) return next();
    throw new DistilflareError(
      "unsupported_media_type",
      type === ""
        ? "The request has a body but no Content-Type; send application/json or application/yaml"
        : `Unsupported content-type '${type}'; send application/json or application/yaml`,
      { field: "content-type", expected: "application/json or application/yaml" },
    );
  };
}
