import type { AsyncBuffer } from "hyparquet";
import { blobAsyncBuffer } from "../distiset/blob-async-buffer.js";
import { DistilflareError } from "../errors.js";
import type { BlobStore } from "../runtime/blob-store.js";
import { httpAsyncBuffer, httpChunks, type HttpRequester } from "./http-file.js";

/** How much a line reader pulls from the object store per request. */
export const BLOB_CHUNK_BYTES = 1 << 20;

/**
 * One file a loader reads, wherever it lives (an R2 key, a URL, a Hub file): random access for
 * Parquet, a forward stream from any byte for line-based formats.
 */
export interface ByteSource {
  /** Where the bytes come from, for messages: an object key or a URL. */
  readonly name: string;
  readonly size: number;
  asyncBuffer(): AsyncBuffer;
  chunks(start: number): AsyncIterable<Uint8Array>;
}

export function blobByteSource(store: BlobStore, key: string, size: number, chunkBytes = BLOB_CHUNK_BYTES): ByteSource {
  return {
    name: key,
    size,
    asyncBuffer: () => blobAsyncBuffer(store, key, size),
    async *chunks(start: number) {
      for (let offset = start; offset < size; offset += chunkBytes) {
        const bytes = await store.getRange(key, offset, Math.min(chunkBytes, size - offset));
        if (!bytes) throw new DistilflareError("storage_failed", `Object '${key}' disappeared while reading it`, { key });
        yield bytes;
      }
    },
  };
}

export function httpByteSource(request: HttpRequester, url: string, size: number, name: string = url): ByteSource {
  return {
    name,
    size,
    asyncBuffer: () => httpAsyncBuffer(request, url, size),
    chunks: (start: number) => (start >= size ? emptyChunks() : httpChunks(request, url, start)),
  };
}

async function* emptyChunks(): AsyncGenerator<Uint8Array> {}
