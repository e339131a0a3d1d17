import type { z } from "zod";
import type { RetryPolicy } from "../../core/retry-policy.js";
import type { PriceTable } from "../../llms/pricing/price-table.js";
import type { Pipeline } from "../../pipeline/pipeline.js";
import type { BlobStore } from "../../runtime/blob-store.js";
import type { BufferLogger, StepServices } from "../../steps/step-context.js";
import type { BudgetLedger } from "../run-budget.js";
import type { EngineContext } from "../run-engine.js";
import type { PendingOutput, RunState } from "../run-state.js";
import type { WorkItem, WorkReport, WorkReportInput } from "../work.js";

/** What every work item carries on the wire, whatever its kind. */
export interface BaseWork {
  type: string;
  id: string;
  run_id: string;
  step?: string | undefined;
  seq_no?: number | undefined;
}

/** A kind's wire schema: a zod object whose `type` literal is the kind's key in the table. */
export type WorkSchema = z.ZodType<BaseWork>;

/** What a consumer gives the work it runs: storage, the run's pipeline and the services its steps see. */
export interface WorkRunnerDeps {
  store: BlobStore;
  /** The run's pipeline, with its runtime parameters applied. */
  pipeline: (runId: string) => Promise<Pipeline>;
  services: StepServices;
  /** Attempts of a failing batch before it is imputed (normal steps) or the run fails. */
  retry?: RetryPolicy | undefined;
  sleep?: ((ms: number) => Promise<void>) | undefined;
  /** Prices for the Distiset card's cost (the owner's `LLM_PRICES` over the defaults). */
  prices?: PriceTable | undefined;
  /** Called with log lines (they also travel in the report). */
  onLog?: ((lines: string[]) => void) | undefined;
}

/**
 * One kind of work, in one file: its wire schema, what the engine does with it and how a
 * consumer runs it. The engine's methods are pure over the run's plain JSON state and change
 * only the copy they are given; only the work runner calls `run`. The table is `index.ts`.
 */
export interface WorkType<S extends WorkSchema = WorkSchema> {
  schema: S;
  /**
   * Applies a report of `work`, which has already left `inflight`. Returns whether the engine
   * then sends what can be sent next (false: the run failed or ended, or nothing can follow).
   */
  applyReport(state: RunState, work: z.output<S>, report: WorkReport, context: EngineContext): boolean;
  /**
   * The work of this kind that can be sent now, tracked in flight. Called on every pass of the
   * engine's pump, in the table's order; `ledger` is the run's budget, when it has one.
   */
  send?(state: RunState, context: EngineContext, ledger: BudgetLedger | undefined): Array<z.output<S>>;
  /** Undoes the in-flight counters of work that will not report. */
  release(state: RunState, work: z.output<S>): void;
  /** Restores the in-flight counters of failed work sent again, so it is not dispatched twice. */
  retrack(state: RunState, work: z.output<S>): void;
  /** What failing the run on this work changes besides keeping it for a resume. */
  failed?(state: RunState, work: z.output<S>): void;
  /** The output a report adds to its step (what a later run reusing the step is fed). */
  reportedOutput?(work: z.output<S>, report: WorkReport): PendingOutput | undefined;
  /** Runs the work in a consumer and returns its report, or throws to report it fatal. */
  run(work: z.output<S>, deps: WorkRunnerDeps, logger: BufferLogger): Promise<WorkReportInput>;
}

/** The fields every report of `work` starts with. */
export function reportOf(work: BaseWork & { type: WorkItem["type"] }): Pick<WorkReportInput, "id" | "run_id" | "type" | "step" | "seq_no"> {
  return { id: work.id, run_id: work.run_id, type: work.type, step: work.step, seq_no: work.seq_no };
}
