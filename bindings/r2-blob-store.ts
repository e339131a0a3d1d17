import type { BlobInfo, BlobStore } from "../src/runtime/blob-store.js";

/** The run's objects in R2. Keys are per batch, so no key is ever rewritten in a loop (1 write/s/key). */
export class R2BlobStore implements BlobStore {
  constructor(private readonly bucket: R2Bucket) {}

  async get(key: string): Promise<Uint8Array | null> {
    const object = await this.bucket.get(key);
    return object ? new Uint8Array(await object.arrayBuffer()) : null;
  }

  async getRange(key: string, offset: number, length: number): Promise<Uint8Array | null> {
    if (length <= 0) return new Uint8Array(0);
    const object = await this.bucket.get(key, { range: { offset, length } });
    return object ? new Uint8Array(await object.arrayBuffer()) : null;
  }

  async head(key: string): Promise<BlobInfo | null> {
    const object = await this.bucket.head(key);
    return object ? { key, size: object.size, etag: object.httpEtag, uploaded: object.uploaded } : null;
  }

  async put(key: string, data: string | Uint8Array, options?: { contentType?: string; onlyIfAbsent?: boolean }): Promise<BlobInfo | null> {
    const httpMetadata = options?.contentType ? { contentType: options.contentType } : undefined;
    if (options?.onlyIfAbsent) {
      // R2's conditional put: fails (null) when the key exists, so concurrent duplicates keep the first output.
      const object = await this.bucket.put(key, data, { httpMetadata, onlyIf: { etagDoesNotMatch: "*" } });
      return object ? { key, size: object.size, etag: object.httpEtag } : null;
    }
    const object = await this.bucket.put(key, data, { httpMetadata });
    return { key, size: object.size, etag: object.httpEtag };
  }

  async list(prefix: string): Promise<BlobInfo[]> {
    const out: BlobInfo[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.bucket.list({ prefix, cursor });
      for (const o of page.objects) out.push({ key: o.key, size: o.size, etag: o.httpEtag, uploaded: o.uploaded });
      cursor = page.truncated ? page.cursor : undefined;
    } while (cursor);
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(keys: string | string[]): Promise<void> {
    const list = Array.isArray(keys) ? keys : [keys];
    for (let i = 0; i < list.length; i += 1000) await this.bucket.delete(list.slice(i, i + 1000));
  }
}
