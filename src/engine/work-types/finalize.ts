import { addUsage, type UsageByModel } from "../../llms/usage/usage.js";
import type { EngineContext } from "../run-engine.js";
import { failRunInPlace } from "../run-failure.js";
import type { RunState } from "../run-state.js";
import type { FinalizeWork, WorkItem } from "../work.js";
import { trackInflight } from "../work-tracking.js";
import type { WorkTypeHandler } from "./work-type.js";

/** The Distiset's manifest and card, written once everything else is: its report ends the run. */
export const finalizeWork: WorkTypeHandler<FinalizeWork> = {
  applyReport(state, work, report, context) {
    if (report.fatal) {
      state.finalize = "pending";
      failRunInPlace(state, report.fatal, work, context.now);
      return false;
    }
    state.finalize = "done";
    state.status = "succeeded";
    return false;
  },
  release(state) {
    state.finalize = "pending";
  },
  retrack(state) {
    state.finalize = "dispatched";
  },
  send: (state, context) => sendFinalizeWhenSettled(state, context),
};

/**
 * The finalizer, once every step is done, every leaf row written and nothing is in flight (a
 * pass that sent anything is never settled, so it goes out after all other work).
 */
function sendFinalizeWhenSettled(state: RunState, context: EngineContext): WorkItem[] {
  const settled =
    Object.values(state.steps).every((s) => s.done) &&
    Object.values(state.leaves).every((l) => l.pending.length === 0 && l.writing === 0) &&
    Object.keys(state.inflight).length === 0;
  if (!settled || state.finalize !== "pending") return [];
  const usage = runUsage(state);
  const work: WorkItem = {
    type: "finalize",
    id: "finalize",
    run_id: state.run_id,
    failed_rows: failedRowsByStep(state),
    ...(Object.keys(usage).length > 0 ? { usage } : {}),
  };
  state.finalize = "dispatched";
  trackInflight(state, work, context.now);
  return [work];
}

/** The run's LLM usage per model, summed over its steps. */
export function runUsage(state: RunState): UsageByModel {
  return Object.values(state.steps).reduce<UsageByModel>((sum, s) => addUsage(sum, s.usage ?? {}), {});
}

/** Steps with failed rows and how many (a state stored before the count existed has none). */
export function failedRowsByStep(state: RunState): Record<string, number> {
  return Object.fromEntries(Object.entries(state.steps).flatMap(([name, s]) => ((s.failed_rows ?? 0) > 0 ? [[name, s.failed_rows]] : [])));
}
