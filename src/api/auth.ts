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

export interface AuthSettings {
  /** The `API_TOKEN` secret; unset or empty closes the API unless `allowUnauthenticated`. */
  token: () => string | undefined;
  /** `ALLOW_UNAUTHENTICATED = "true"`: the owner opened the API on purpose (local `wrangler dev` only). */
  allowUnauthenticated: () => boolean;
}

/**
 * Bearer-token auth for `/v1`, closed by default: without a configured token every request is
 * refused, so a deployment that forgot `wrangler secret put API_TOKEN` is not open to anyone.
 */
export function bearerAuth(settings: AuthSettings): MiddlewareHandler {
  return async (c, next) => {
    const expected = settings.token();
    if (!expected) {
      if (settings.allowUnauthenticated()) return next();
      c.header("WWW-Authenticate", 'Bearer realm="distilflare"');
      throw new DistilflareError(
        "unauthorized",
        "The API is closed: no API_TOKEN is configured. Set one (`wrangler secret put API_TOKEN`) and send 'Authorization: Bearer <API_TOKEN>', or set ALLOW_UNAUTHENTICATED = \"true\" for local development",
        { field: "authorization", variable: "API_TOKEN" },
      );
    }
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match || !constantTimeEqual(match[1] as string, expected)) {
      c.header("WWW-Authenticate", 'Bearer realm="distilflare"');
      throw new DistilflareError("unauthorized", "Missing or invalid bearer token: send 'Authorization: Bearer <API_TOKEN>'", { field: "authorization" });
    }
    return next();
  };
}
