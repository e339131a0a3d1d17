import type { InflightEntry, RunState } from "./run-state.js";
import type { WorkItem } from "./work.js";

/** The run's `inflight` table (each kind keeps its own counters beside it: `work-types/`). */

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
