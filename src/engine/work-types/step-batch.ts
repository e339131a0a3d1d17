import { addUsage } from "../../llms/usage/usage.js";
import type { EngineContext } from "../run-engine.js";
import { failRunInPlace, recordErrors } from "../run-failure.js";
import type { PendingOutput, RunState } from "../run-state.js";
import { applyOutputsInOrder } from "../step-outputs.js";
import type { GenerateWork, ProcessWork, WorkReport } from "../work.js";
import type { WorkTypeHandler } from "./work-type.js";

/**
 * What `generate` and `process` share: a batch of a step whose report carries its output. The
 * output joins the step's pending outputs and flows on in seq order; `afterBatch` is what the
 * kind adds (a generator moves its cursor).
 */
export function stepBatchHandler<W extends GenerateWork | ProcessWork>(kind: {
  reportedOutput(work: W, report: WorkReport): PendingOutput;
  /** Runs on every report of the step's batch, failed or not. */
  reported?(state: RunState, work: W): void;
  /** Runs once the batch's output is counted, before it is applied. */
  afterBatch?(state: RunState, work: W, report: WorkReport): void;
  failed?(state: RunState, work: W): void;
  retracked?(state: RunState, work: W): void;
  send: NonNullable<WorkTypeHandler<W>["send"]>;
}): WorkTypeHandler<W> {
  return {
    applyReport(state: RunState, work: W, report: WorkReport, context: EngineContext): boolean {
      const step = state.steps[work.step];
      if (!step) return false;
      step.inflight = Math.max(0, step.inflight - 1);
      kind.reported?.(state, work);
      if (report.usage) step.usage = addUsage(step.usage ?? {}, report.usage);
      if (report.fatal) {
        failRunInPlace(state, { ...report.fatal, step: work.step, seq_no: work.seq_no }, work, context.now);
        return false;
      }
      recordErrors(state, work.step, work.seq_no, report.errors, context.now);
      step.batches_done++;
      step.rows_out += report.num_rows;
      step.failed_rows = (step.failed_rows ?? 0) + report.failed_rows;
      if (step.flagged) return true;
      kind.afterBatch?.(state, work, report);
      step.pending_outputs.push(kind.reportedOutput(work, report));
      step.pending_outputs.sort((a, b) => a.seq_no - b.seq_no);
      const routingError = applyOutputsInOrder(state, work.step, context);
      if (routingError) {
        failRunInPlace(state, { code: "invalid_dag", message: routingError, step: work.step }, undefined, context.now);
        return false;
      }
      return true;
    },
    release(state, work) {
      const step = state.steps[work.step];
      if (step) step.inflight = Math.max(0, step.inflight - 1);
    },
    retrack(state, work) {
      const step = state.steps[work.step];
      if (step) step.inflight++;
      if (step) kind.retracked?.(state, work);
    },
    send: kind.send,
    ...(kind.failed ? { failed: kind.failed } : {}),
    reportedOutput: kind.reportedOutput,
  };
}

/** The steps of the load stages reached so far, in plan order. */
export function activeSteps(state: RunState): string[] {
  return state.plan.order.filter((name) => (state.plan.steps[name]?.stage ?? 0) <= state.stage.current);
}
