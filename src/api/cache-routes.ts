import { z, type OpenAPIHono } from "@hono/zod-openapi";
import { RESPONSE_CACHE_PREFIX } from "../llms/response-cache/response-cache.js";
import type { BlobStore } from "../runtime/blob-store.js";
import { errorResponses, jsonResponse, v1Route } from "./openapi.js";

export const cacheSizeSchema = z
  .object({ prefix: z.string(), entries: z.number().int().nonnegative(), bytes: z.number().int().nonnegative() })
  .openapi("CacheSize");

const cacheSizeRoute = v1Route({
  method: "get",
  path: "/v1/cache",
  summary: "Size of the LLM response cache shared by every run (entries and bytes under cache/responses/)",
  responses: { 200: jsonResponse("The cache size", cacheSizeSchema), ...errorResponses(401) },
});

export function registerCacheRoutes(app: OpenAPIHono, store: BlobStore): void {
  app.openapi(cacheSizeRoute, async (c) => {
    const entries = await store.list(RESPONSE_CACHE_PREFIX);
    return c.json({ prefix: RESPONSE_CACHE_PREFIX, entries: entries.length, bytes: entries.reduce((sum, e) => sum + e.size, 0) }, 200);
  });
}
