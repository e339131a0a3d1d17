import type { AsyncBuffer } from "hyparquet";
import { DistilflareError } from "../errors.js";
import type { BlobStore } from "../runtime/blob-store.js";

/** hyparquet's AsyncBuffer over a stored object: Parquet is read by ranges, never whole. */
export function blobAsyncBuffer(store: BlobStore, key: string, size: number): AsyncBuffer {
  return {
    byteLength: size,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const stop = end ?? size;
      const bytes = await store.getRange(key, start, stop - start);
      if (!bytes) throw new DistilflareError("storage_failed", `Object '${key}' disappeared while reading it`, { key });
      return new Uint8Array(bytes).buffer;
    },
  };
}
