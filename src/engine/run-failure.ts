import type { RunState } from "./run-state.js";
import type { WorkItem } from "./work.js";
import { workTypeOf } from "./work-types/index.js";

/** Errors kept in the state (the count keeps growing; the list keeps the latest). */
export const MAX_RECORDED_ERRORS = 100;

/** Fails the run in place; `work` (the item that failed it, if any) is kept to be sent again on resume. */
export function failRunInPlace(
  state: RunState,
  error: { code: string; message: string; step?: string | undefined; seq_no?: number | undefined },
  work: WorkItem | undefined,
  now: number,
): void {
  state.status = "failed";
  state.error = { code: error.code, message: error.step ? `Step '${error.step}': ${error.message}` : error.message };
  recordErrors(state, error.step, error.seq_no, [{ code: error.code, message: error.message }], now);
  if (work) {
    delete state.inflight[work.id];
    if (!state.failed_work.some((w) => w.id === work.id)) state.failed_work.push(work);
    workTypeOf(work).failed?.(state, work);
  }
}

export function recordErrors(
  state: RunState,
  step: string | undefined,
  seqNo: number | undefined,
  errors: Array<{ code: string; message: string }>,
  now: number,
): void {
  for (const error of errors) {
    state.errors.push({ step, seq_no: seqNo, code: error.code, message: error.message, at: now });
    state.error_count++;
    if (step && state.steps[step]) state.steps[step].errors++;
  }
  if (state.errors.length > MAX_RECORDED_ERRORS) state.errors.splice(0, state.errors.length - MAX_RECORDED_ERRORS);
}
