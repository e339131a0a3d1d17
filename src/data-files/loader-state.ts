import type { z } from "zod";
import { getJson, putJson } from "../runtime/blob-store.js";
import type { StepContext } from "../steps/step-context.js";

/**
 * What a loader keeps in the run's object store for its later batches: the file index (files,
 * sizes, row counts, the pinned Hub commit) and the checkpoint of each batch of a text source.
 * Every key is written once (R2 takes one write per second per key), so it is per run and step,
 * and per batch for checkpoints.
 */
export const loaderStateKeys = {
  index: (runId: string, step: string) => `runs/${runId}/sources/${step}/index.json`,
  checkpoint: (runId: string, step: string, row: number) => `runs/${runId}/sources/${step}/checkpoints/${row}.json`,
};

/**
 * The stored value at `key`, or `build()` stored there. When two invocations race, the first
 * write wins and both return it, so every batch of a run sees the same index.
 */
export async function loadOrBuildState<T>(context: StepContext, key: string, schema: z.ZodType<T>, build: () => Promise<T>): Promise<T> {
  const stored = await readState(context, key, schema);
  if (stored !== undefined) return stored;
  const value = await build();
  const store = context.services.blobs;
  if (store) {
    const written = await putJson(store, key, value, { onlyIfAbsent: true });
    if (!written) return (await readState(context, key, schema)) ?? value;
  }
  return value;
}

export async function readState<T>(context: StepContext, key: string, schema: z.ZodType<T>): Promise<T | undefined> {
  const store = context.services.blobs;
  if (!store) return undefined;
  const raw = await getJson(store, key);
  if (raw === null) return undefined;
  const parsed = schema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}

export async function writeState(context: StepContext, key: string, value: unknown): Promise<void> {
  const store = context.services.blobs;
  if (store) await putJson(store, key, value, { onlyIfAbsent: true });
}
