import { z } from "zod";
import { DistilflareError } from "../errors.js";
import type { Row } from "../core/row.js";
import { getText, type BlobStore } from "./blob-store.js";

/** What a step's output batch looks like in storage. */
export const batchOutputSchema = z.object({
  num_rows: z.number().int().nonnegative(),
  last_batch: z.boolean(),
  rows: z.array(z.record(z.string(), z.unknown())),
});
export type BatchOutput = z.infer<typeof batchOutputSchema>;

export function serializeBatchOutput(rows: Row[], lastBatch: boolean): string {
  return JSON.stringify({ num_rows: rows.length, last_batch: lastBatch, rows });
}

export async function readBatchOutput(store: BlobStore, key: string): Promise<BatchOutput | null> {
  const text = await getText(store, key);
  if (text === null) return null;
  const parsed = batchOutputSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new DistilflareError("storage_failed", `Batch object '${key}' is not a valid batch output`, { key });
  return parsed.data;
}

/** Reads batch outputs once each, whatever number of slices refer to them. */
export class BatchReader {
  private readonly cache = new Map<string, Promise<BatchOutput>>();
  constructor(private readonly store: BlobStore) {}

  read(key: string): Promise<BatchOutput> {
    let pending = this.cache.get(key);
    if (!pending) {
      pending = readBatchOutput(this.store, key).then((output) => {
        if (!output) throw new DistilflareError("storage_failed", `Batch object '${key}' is missing`, { key });
        return output;
      });
      this.cache.set(key, pending);
    }
    return pending;
  }
}
