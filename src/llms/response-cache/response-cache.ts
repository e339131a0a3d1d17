import { z } from "zod";
import { getJson, putJson, type BlobStore } from "../../runtime/blob-store.js";
import type { GenerateOutput } from "../types.js";

/**
 * Where responses live in the bucket, one object per request fingerprint (SECURITY.md: the one
 * prefix besides `runs/` that steps may write). Shared by every run and pipeline of a deployment.
 */
export const RESPONSE_CACHE_PREFIX = "cache/responses/";

const FINGERPRINT = /^[0-9a-f]{64}$/;

export function responseCacheKey(fingerprint: string): string {
  if (!FINGERPRINT.test(fingerprint)) throw new Error(`A response fingerprint is a SHA-256 hex digest, not '${fingerprint}'`);
  return `${RESPONSE_CACHE_PREFIX}${fingerprint}.json`;
}

/** Whether a key is a response-cache entry (exactly `cache/responses/<sha256>.json`). */
export function isResponseCacheKey(key: string): boolean {
  return key.startsWith(RESPONSE_CACHE_PREFIX) && key.endsWith(".json") && FINGERPRINT.test(key.slice(RESPONSE_CACHE_PREFIX.length, -".json".length));
}

export const cachedResponseSchema = z.object({
  version: z.literal(1),
  provider: z.string(),
  model: z.string(),
  created_at: z.string(),
  output: z.object({
    generations: z.array(z.string().nullable()),
    statistics: z.object({ input_tokens: z.array(z.number()), output_tokens: z.array(z.number()) }),
    extra: z.record(z.string(), z.array(z.unknown())).optional(),
  }),
});
export type CachedResponse = z.infer<typeof cachedResponseSchema>;

/** Stored LLM responses by request fingerprint, in any blob store (R2 on Workers, memory in-process). */
export class ResponseCache {
  constructor(private readonly store: BlobStore) {}

  /** The stored output, or undefined (absent, or unreadable: a miss, never an error). */
  async get(fingerprint: string): Promise<GenerateOutput | undefined> {
    const stored = await getJson(this.store, responseCacheKey(fingerprint)).catch(() => null);
    const parsed = cachedResponseSchema.safeParse(stored);
    if (!parsed.success) return undefined;
    const { generations, statistics, extra } = parsed.data.output;
    return extra ? { generations, statistics, extra } : { generations, statistics };
  }

  /** Stores a successful output; a failed one (an `error`) is refused, so a later run calls again. */
  async put(fingerprint: string, entry: { provider: string; model: string; output: GenerateOutput }): Promise<boolean> {
    if (entry.output.error !== undefined) return false;
    const { generations, statistics, extra } = entry.output;
    const value: CachedResponse = {
      version: 1,
      provider: entry.provider,
      model: entry.model,
      created_at: new Date().toISOString(),
      output: extra ? { generations, statistics, extra } : { generations, statistics },
    };
    await putJson(this.store, responseCacheKey(fingerprint), value);
    return true;
  }
}
