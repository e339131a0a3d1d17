import type { PendingOutput, RunState } from "../engine/run-state.js";
import type { StepOutputSource } from "../engine/step-reuse.js";
import type { BlobStore } from "../runtime/blob-store.js";

/** A run's durable part in-process: its engine state and its objects. */
export interface CachedRun {
  state: RunState;
  store: BlobStore;
}

/** Where in-process runs keep their state between `run` calls, keyed by the pipeline's cache key. */
export interface RunCache {
  get(key: string): CachedRun | undefined;
  set(key: string, run: CachedRun): void;
  delete(key: string): void;
}

export class MemoryRunCache extends Map<string, CachedRun> implements RunCache {}

/** The process-wide default cache (distilabel keeps its cache under ~/.cache/distilabel). */
export const defaultRunCache = new MemoryRunCache();

/** A step's complete outputs kept by an in-process run, with the store that holds its batches. */
export interface StoredStepOutputs {
  source: StepOutputSource;
  outputs: PendingOutput[];
  store: BlobStore;
}

/** Where in-process runs offer their steps' outputs to later runs (step-level reuse), by step signature. */
export interface StepOutputsCache {
  get(signature: string): StoredStepOutputs | undefined;
  set(entry: StoredStepOutputs): void;
  delete(signature: string): void;
}

function memoryStepOutputsCache(): StepOutputsCache {
  const entries = new Map<string, StoredStepOutputs>();
  return {
    get: (signature) => entries.get(signature),
    set: (entry) => entries.set(entry.source.signature, entry),
    delete: (signature) => entries.delete(signature),
  };
}

const stepOutputsByRunCache = new WeakMap<RunCache, StepOutputsCache>();

/** The step outputs that go with a run cache: runs sharing a run cache share their steps' outputs too. */
export function stepOutputsCacheOf(cache: RunCache): StepOutputsCache {
  let found = stepOutputsByRunCache.get(cache);
  if (!found) {
    found = memoryStepOutputsCache();
    stepOutputsByRunCache.set(cache, found);
  }
  return found;
}
