import { DistilflareError } from "../errors.js";
import type { BlobStore } from "../runtime/blob-store.js";
import { Semaphore } from "../steps/step-context.js";

const STREAM_CHUNK_BYTES = 1 << 20;
/**
 * Whole-object reads at once, across blobs: @huggingface/hub hashes five files at a time by
 * reading each whole, and a Worker has 128 MB.
 */
const wholeReads = new Semaphore(1);

/**
 * A Blob over an object of the run store, read by ranges when asked: @huggingface/hub samples
 * its first 512 bytes, hashes it as a stream and uploads it, so a Distiset is pushed without
 * holding its files in memory. (It is a Blob because the commit API only takes Blobs.)
 */
export class StoredObjectBlob extends Blob {
  private readonly store: BlobStore;
  private readonly key: string;
  private readonly start: number;
  private readonly end: number;
  private readonly mime: string;

  constructor(options: { store: BlobStore; key: string; size: number; start?: number; end?: number; type?: string }) {
    super([]);
    this.store = options.store;
    this.key = options.key;
    this.start = options.start ?? 0;
    this.end = options.end ?? options.size;
    this.mime = options.type ?? "";
  }

  // Blob's `size` and `type` are accessors at run time but typed as properties; they are
  // redefined on the prototype below.
  declare readonly size: number;
  declare readonly type: string;

  override slice(start = 0, end = this.size, contentType?: string): Blob {
    const clamp = (value: number) => Math.min(this.size, Math.max(0, value < 0 ? this.size + value : value));
    const from = clamp(start);
    const to = Math.max(from, clamp(end));
    return new StoredObjectBlob({
      store: this.store,
      key: this.key,
      size: this.end,
      start: this.start + from,
      end: this.start + to,
      type: contentType ?? this.mime,
    });
  }

  override async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await wholeReads.run(() => this.read(this.start, this.size));
    return new Uint8Array(bytes).buffer;
  }

  override async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return new Uint8Array(await this.arrayBuffer());
  }

  override async text(): Promise<string> {
    return new TextDecoder().decode(await this.read(this.start, this.size));
  }

  override stream(): ReadableStream<Uint8Array<ArrayBuffer>> {
    let position = this.start;
    return new ReadableStream<Uint8Array<ArrayBuffer>>({
      pull: async (controller) => {
        if (position >= this.end) {
          controller.close();
          return;
        }
        const length = Math.min(STREAM_CHUNK_BYTES, this.end - position);
        const bytes = await this.read(position, length);
        position += length;
        controller.enqueue(new Uint8Array(bytes));
      },
    });
  }

  /** The byte count of the slice (backs the `size` accessor). */
  byteSize(): number {
    return this.end - this.start;
  }

  mimeType(): string {
    return this.mime;
  }

  private async read(offset: number, length: number): Promise<Uint8Array> {
    if (length === 0) return new Uint8Array(0);
    const bytes = await this.store.getRange(this.key, offset, length);
    if (!bytes) throw new DistilflareError("storage_failed", `Object '${this.key}' disappeared while pushing it`, { key: this.key });
    return bytes;
  }
}

Object.defineProperty(StoredObjectBlob.prototype, "size", {
  get(this: StoredObjectBlob) {
    return this.byteSize();
  },
});
Object.defineProperty(StoredObjectBlob.prototype, "type", {
  get(this: StoredObjectBlob) {
    return this.mimeType();
  },
});
