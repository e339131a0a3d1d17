import type { Hono } from "hono";
import { RESPONSE_CACHE_PREFIX } from "../llms/response-cache/response-cache.js";
import type { BlobStore } from "../runtime/blob-store.js";

/** `GET /v1/cache`: how big the deployment's response cache is (entries and bytes under its prefix). */
export function registerCacheRoutes(app: Hono, store: BlobStore): void {
  app.get("/v1/cache", async (c) => {
    const entries = await store.list(RESPONSE_CACHE_PREFIX);
    return c.json({ prefix: RESPONSE_CACHE_PREFIX, entries: entries.length, bytes: entries.reduce((sum, e) => sum + e.size, 0) });
  });
}
