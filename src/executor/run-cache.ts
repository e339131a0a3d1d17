import type { RunState } from "../engine/run-state.js";
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

export class MemoryRunCache implements RunCache {
  private readonly runs = new Map<string, CachedRun>();
  get(key: string): CachedRun | undefined {
    return this.runs.get(key);
  }
  set(key: string, run: CachedRun): void {
    this.runs.set(key, run);
  }
  delete(key: string): void {
    this.runs.delete(key);
  }
}

/** The process-wide default cache (distilabel keeps its cache under ~/.cache/distilabel). */
export const defaultRunCache = new MemoryRunCache();
