import type { MiddlewareHandler } from "hono";
import { DistilflareError } from "../errors.js";

/** Compares in time independent of where the strings differ, so the token cannot be guessed byte by byte. */
export function constantTimeEqual(a: string, b: string): boolean {
  const encoder = new TextEncoder();
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  let diff = x.length ^ y.length;
  const length = Math.max(x.length, y.length);
  for (let i = 0; i < length; i++) diff |= (x[i % Math.max(1, x.length)] ?? 0) ^ (y[i % Math.max(1, y.length)] ?? 0);
  return diff === 0;
}

/**
 * Bearer-token auth for `/v1`: active when a token is configured (the `API_TOKEN` secret).
 * Without one the API is open, which is only right for local development.
 */
export function bearerAuth(token: () => string | undefined): MiddlewareHandler {
  return async (c, next) => {
    const expected = token();
    if (!expected) return next();
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match || !constantTimeEqual(match[1] as string, expected)) {
      c.header("WWW-Authenticate", 'Bearer realm="distilflare"');
      throw new DistilflareError("unauthorized", "Missing or invalid bearer token: send 'Authorization: Bearer <API_TOKEN>'");
    }
    return next();
  };
}
