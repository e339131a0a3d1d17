/** Metadata of a stored object. */
export interface BlobInfo {
  key: string;
  size: number;
  etag: string;
  uploaded?: Date;
}

/**
 * Where rows, Parquet and run files live: R2 on Workers, a Map in-process. Keys are
 * deterministic per batch, so a redelivered batch writes the same key (R2: 1 write/s/key).
 */
export interface BlobStore {
  get(key: string): Promise<Uint8Array | null>;
  getRange(key: string, offset: number, length: number): Promise<Uint8Array | null>;
  head(key: string): Promise<BlobInfo | null>;
  put(key: string, data: string | Uint8Array, options?: { contentType?: string; onlyIfAbsent?: boolean }): Promise<BlobInfo | null>;
  list(prefix: string): Promise<BlobInfo[]>;
  delete(keys: string | string[]): Promise<void>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export async function getText(store: BlobStore, key: string): Promise<string | null> {
  const bytes = await store.get(key);
  return bytes === null ? null : decoder.decode(bytes);
}

export async function getJson<T = unknown>(store: BlobStore, key: string): Promise<T | null> {
  const text = await getText(store, key);
  return text === null ? null : (JSON.parse(text) as T);
}

export function putJson(store: BlobStore, key: string, value: unknown, options?: { onlyIfAbsent?: boolean }): Promise<BlobInfo | null> {
  return store.put(key, JSON.stringify(value), { contentType: "application/json", ...options });
}

/** An in-memory store for the in-process executor and tests. */
export class MemoryBlobStore implements BlobStore {
  private readonly objects = new Map<string, { data: Uint8Array; etag: string; uploaded: Date }>();
  private version = 0;

  async get(key: string): Promise<Uint8Array | null> {
    return this.objects.get(key)?.data ?? null;
  }

  async getRange(key: string, offset: number, length: number): Promise<Uint8Array | null> {
    const object = this.objects.get(key);
    return object ? object.data.subarray(offset, offset + length) : null;
  }

  async head(key: string): Promise<BlobInfo | null> {
    const object = this.objects.get(key);
    return object ? { key, size: object.data.byteLength, etag: object.etag, uploaded: object.uploaded } : null;
  }

  async put(key: string, data: string | Uint8Array, options?: { onlyIfAbsent?: boolean }): Promise<BlobInfo | null> {
    if (options?.onlyIfAbsent && this.objects.has(key)) return null;
    const bytes = typeof data === "string" ? encoder.encode(data) : data;
    const etag = `m${++this.version}`;
    this.objects.set(key, { data: bytes, etag, uploaded: new Date() });
    return { key, size: bytes.byteLength, etag };
  }

  async list(prefix: string): Promise<BlobInfo[]> {
    return [...this.objects.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, o]) => ({ key, size: o.data.byteLength, etag: o.etag, uploaded: o.uploaded }));
  }

  async delete(keys: string | string[]): Promise<void> {
    for (const key of Array.isArray(keys) ? keys : [keys]) this.objects.delete(key);
  }
}
