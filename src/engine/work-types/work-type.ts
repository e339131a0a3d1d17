import type { BudgetLedger } from "../run-budget.js";
import type { EngineContext } from "../run-engine.js";
import type { PendingOutput, RunState } from "../run-state.js";
import type { WorkItem, WorkReport } from "../work.js";

/**
 * What the engine does with one kind of work (`WorkItem["type"]`). Every method is pure over the
 * run's plain JSON state and changes only the copy it is given; the table of handlers is
 * `work-types/index.ts`.
 */
export interface WorkTypeHandler<W extends WorkItem = WorkItem> {
  /**
   * Applies a report of `work`, which has already left `inflight`. Returns whether the engine
   * then sends what can be sent next (false: the run failed or ended, or nothing can follow).
   */
  applyReport(state: RunState, work: W, report: WorkReport, context: EngineContext): boolean;
  /**
   * The work of this kind that can be sent now, tracked in flight. Called on every pass of the
   * engine's pump, in the table's order; `ledger` is the run's budget, when it has one.
   */
  send?(state: RunState, context: EngineContext, ledger: BudgetLedger | undefined): WorkItem[];
  /** Undoes the in-flight counters of work that will not report. */
  release(state: RunState, work: W): void;
  /** Restores the in-flight counters of failed work sent again, so it is not dispatched twice. */
  retrack(state: RunState, work: W): void;
  /** What failing the run on this work changes besides keeping it for a resume. */
  failed?(state: RunState, work: W): void;
  /** The output a report adds to its step (what a later run reusing the step is fed). */
  reportedOutput?(work: W, report: WorkReport): PendingOutput | undefined;
}
