import type { z } from "zod";
import { errorMessage } from "../../errors.js";
import type { Row } from "../../core/row.js";
import { retryDelayMs, STEP_BATCH_RETRY } from "../../core/retry-policy.js";
import { queueActionOf } from "../../error-actions.js";
import { OfflineBatchPendingError } from "../../llms/offline-batch/offline-batch-job.js";
import { addUsage, UsageRecorder } from "../../llms/usage/usage.js";
import { readBatchOutput, serializeBatchOutput } from "../../runtime/batch-output.js";
import { runKeys } from "../../runtime/run-keys.js";
import type { BufferLogger, StepContext } from "../../steps/step-context.js";
import type { EngineContext } from "../run-engine.js";
import { failRunInPlace, recordErrors } from "../run-failure.js";
import type { PendingOutput, RunState } from "../run-state.js";
import { applyOutputsInOrder } from "../step-outputs.js";
import type { WorkReport, WorkReportInput } from "../work.js";
import type { generateWorkSchema } from "./generate.js";
import type { processWorkSchema } from "./process.js";
import { reportOf, type WorkRunnerDeps, type WorkType } from "./work-type.js";

type StepBatchSchema = typeof generateWorkSchema | typeof processWorkSchema;

/**
 * What `generate` and `process` share: a batch of a step whose report carries its output. The
 * engine adds the output to the step's pending outputs, where it flows on in seq order; the
 * consumer stores it once under the batch's key and retries the step's call.
 */
export function stepBatchWorkType<S extends StepBatchSchema>(kind: {
  schema: S;
  reportedOutput(work: z.output<S>, report: WorkReport): PendingOutput;
  /** Runs on every report of the step's batch, failed or not. */
  reported?(state: RunState, work: z.output<S>): void;
  /** Runs once the batch's output is counted, before it is applied (a generator moves its cursor). */
  afterBatch?(state: RunState, work: z.output<S>, report: WorkReport): void;
  failed?(state: RunState, work: z.output<S>): void;
  retracked?(state: RunState, work: z.output<S>): void;
  send: NonNullable<WorkType<S>["send"]>;
  run: WorkType<S>["run"];
}): WorkType<S> {
  return {
    schema: kind.schema,
    applyReport(state, work, report, context: EngineContext) {
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
      if (!step) return;
      step.inflight++;
      kind.retracked?.(state, work);
    },
    send: kind.send,
    ...(kind.failed ? { failed: kind.failed } : {}),
    reportedOutput: kind.reportedOutput,
    run: kind.run,
  };
}

/** The steps of the load stages reached so far, in plan order. */
export function activeSteps(state: RunState): string[] {
  return state.plan.order.filter((name) => (state.plan.steps[name]?.stage ?? 0) <= state.stage.current);
}

type StepBatchWork = z.output<StepBatchSchema>;

export function stepContext(work: StepBatchWork, deps: WorkRunnerDeps, logger: BufferLogger): StepContext {
  return { runId: work.run_id, stepName: work.step, seqNo: work.seq_no, logger, services: deps.services, usage: new UsageRecorder() };
}

/** The report of a batch whose output is already stored (a redelivery): it is never computed twice. */
export async function existingOutput(work: StepBatchWork, deps: WorkRunnerDeps): Promise<WorkReportInput | undefined> {
  const key = runKeys.batch(work.run_id, work.step, work.seq_no);
  const info = await deps.store.head(key);
  if (!info) return undefined;
  const output = await readBatchOutput(deps.store, key);
  if (!output) return undefined;
  return {
    ...reportOf(work),
    num_rows: output.num_rows,
    bytes: info.size,
    last_batch: output.last_batch,
    log: [`[${work.step}] batch ${work.seq_no} was already done; reusing its stored output`],
  };
}

/** Stores the output unless a concurrent duplicate stored it first; returns what is stored. */
export async function storeOutput(
  work: StepBatchWork,
  rows: Row[],
  lastBatch: boolean,
  deps: WorkRunnerDeps,
): Promise<{ numRows: number; bytes: number; lastBatch: boolean }> {
  const key = runKeys.batch(work.run_id, work.step, work.seq_no);
  const body = serializeBatchOutput(rows, lastBatch);
  const written = await deps.store.put(key, body, { contentType: "application/json", onlyIfAbsent: true });
  if (written) return { numRows: rows.length, bytes: written.size, lastBatch };
  const output = await readBatchOutput(deps.store, key);
  const info = await deps.store.head(key);
  return { numRows: output?.num_rows ?? rows.length, bytes: info?.size ?? body.length, lastBatch: output?.last_batch ?? lastBatch };
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function withRetries<T>(deps: WorkRunnerDeps, logger: BufferLogger, what: string, fn: () => Promise<T>): Promise<T> {
  const policy = deps.retry ?? STEP_BATCH_RETRY;
  const sleep = deps.sleep ?? defaultSleep;
  let lastError: unknown;
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    try {
      return await fn();
    } catch (error) {
      lastError = error;
      if (error instanceof OfflineBatchPendingError || queueActionOf(error) !== "retry") break;
      if (attempt < policy.attempts) {
        const delay = retryDelayMs(policy, attempt - 1);
        logger.warn(`${what} failed (attempt ${attempt}/${policy.attempts}): ${errorMessage(error)}; retrying in ${Math.round(delay)} ms`);
        await sleep(delay);
      }
    }
  }
  throw lastError;
}
