import { DistilflareError } from "../errors.js";
import type { BlobInfo, BlobStore } from "../runtime/blob-store.js";
import { isResponseCacheKey } from "../llms/response-cache/response-cache.js";
import { listVariable } from "./secret-policy.js";

/** Comma-separated key prefixes loaders may read (default `inputs/,runs/`). */
export const READABLE_PREFIXES_VARIABLE = "READABLE_PREFIXES";
export const DEFAULT_READABLE_PREFIXES = ["inputs/", "runs/"] as const;
/** Steps write only their run's files. */
const WRITABLE_PREFIX = "runs/";

export function readablePrefixes(value: string | undefined): string[] {
  const listed = listVariable(value)
    .map((p) => p.replace(/^\/+/, ""))
    .filter((p) => p !== "");
  return listed.length > 0 ? listed : [...DEFAULT_READABLE_PREFIXES];
}

/**
 * The bucket as steps see it: reads under the owner's readable prefixes only, writes under
 * `runs/` only; besides, single response-cache entries (`cache/responses/<sha256>.json`, the LLM
 * layer's shared cache) may be read and written by exact key, never listed. A listing of a shorter prefix (a `**` glob) lists only the readable prefixes
 * below it, so a pipeline can never enumerate or read the rest of the bucket.
 */
export class ScopedBlobStore implements BlobStore {
  constructor(
    private readonly inner: BlobStore,
    private readonly prefixes: readonly string[],
  ) {}

  private readable(key: string): boolean {
    return !key.split("/").includes("..") && (this.prefixes.some((prefix) => key.startsWith(prefix)) || isResponseCacheKey(key));
  }

  private requireReadable(key: string): void {
    if (this.readable(key)) return;
    throw new DistilflareError(
      "invalid_request",
      `The object key '${key}' is outside the prefixes steps may read (${this.prefixes.join(", ")}); put the file under one of them or add its prefix to ${READABLE_PREFIXES_VARIABLE}`,
      { field: "data_files", key, expected: `a key under ${this.prefixes.join(" or ")}` },
    );
  }

  private requireWritable(key: string): void {
    if (key.startsWith(WRITABLE_PREFIX) && !key.split("/").includes("..")) return;
    if (isResponseCacheKey(key)) return;
    throw new DistilflareError("invalid_request", `Steps may only write under '${WRITABLE_PREFIX}', not '${key}'`, { key });
  }

  async get(key: string): Promise<Uint8Array | null> {
    this.requireReadable(key);
    return this.inner.get(key);
  }

  async getRange(key: string, offset: number, length: number): Promise<Uint8Array | null> {
    this.requireReadable(key);
    return this.inner.getRange(key, offset, length);
  }

  async head(key: string): Promise<BlobInfo | null> {
    this.requireReadable(key);
    return this.inner.head(key);
  }

  async list(prefix: string): Promise<BlobInfo[]> {
    if (this.readable(prefix)) return this.inner.list(prefix);
    const below = this.prefixes.filter((readable) => readable.startsWith(prefix));
    if (below.length === 0) this.requireReadable(prefix);
    return (await Promise.all(below.map((readable) => this.inner.list(readable)))).flat();
  }

  async put(key: string, data: string | Uint8Array, options?: { contentType?: string; onlyIfAbsent?: boolean }): Promise<BlobInfo | null> {
    this.requireWritable(key);
    return this.inner.put(key, data, options);
  }

  async delete(keys: string | string[]): Promise<void> {
    for (const key of typeof keys === "string" ? [keys] : keys) {
      // Cache entries are shared by every run: one pipeline may add to them, never remove them.
      if (isResponseCacheKey(key)) throw new DistilflareError("invalid_request", `Steps may not delete response-cache entries ('${key}')`, { key });
      this.requireWritable(key);
    }
    return this.inner.delete(keys);
  }
}
