import type { InflightEntry, RunState } from "./run-state.js";
import type { WorkItem } from "./work.js";
import { workTypeOf } from "./work-types/index.js";

/**
 * The in-flight bookkeeping of work items: the run's `inflight` table and the counters the
 * engine keeps beside it (a step's batches in flight, a generator's outstanding request, a
 * leaf's Parquet writes, the finalizer).
 */

/** Undoes the counters of work that will not report (a report's own path does this itself). */
export function release(state: RunState, work: WorkItem): void {
  workTypeOf(work).release(state, work);
}

/** Restores the counters of failed work sent again, so the same work is not dispatched twice. */
export function retrack(state: RunState, work: WorkItem): void {
  workTypeOf(work).retrack(state, work);
}

/** Records work as sent at `now`. */
export function trackInflight(state: RunState, work: WorkItem, now: number): void {
  state.inflight[work.id] = { work, dispatched_at: now, attempts: state.inflight[work.id]?.attempts ?? 0 };
}

/** Folds the start-to-report time of finished work into the run's moving average (backlog estimates). */
export function recordWorkTime(state: RunState, entry: InflightEntry, now: number): void {
  if (entry.started_at === undefined) return;
  const took = Math.max(0, now - entry.started_at);
  const timing = state.work_timing;
  timing.mean_ms = timing.samples === 0 ? took : timing.mean_ms * 0.8 + took * 0.2;
  timing.samples++;
}
