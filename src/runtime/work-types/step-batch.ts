import { errorMessage } from "../../errors.js";
import type { Row } from "../../core/row.js";
import { retryDelayMs, STEP_BATCH_RETRY } from "../../core/retry-policy.js";
import { queueActionOf } from "../../error-actions.js";
import type { GenerateWork, ProcessWork, WorkReportInput } from "../../engine/work.js";
import { OfflineBatchPendingError } from "../../llms/offline-batch/offline-batch-job.js";
import { UsageRecorder } from "../../llms/usage/usage.js";
import type { BufferLogger, StepContext } from "../../steps/step-context.js";
import { readBatchOutput, serializeBatchOutput } from "../batch-output.js";
import { runKeys } from "../run-keys.js";
import { reportOf, type WorkRunnerDeps } from "./work-executor.js";

/** What running a step's batch (`generate`, `process`) shares: its context, its stored output, its retries. */

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function stepContext(work: GenerateWork | ProcessWork, deps: WorkRunnerDeps, logger: BufferLogger): StepContext {
  return { runId: work.run_id, stepName: work.step, seqNo: work.seq_no, logger, services: deps.services, usage: new UsageRecorder() };
}

export async function existingOutput(work: GenerateWork | ProcessWork, deps: WorkRunnerDeps): Promise<WorkReportInput | undefined> {
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
  work: GenerateWork | ProcessWork,
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

export async function withRetries<T>(deps: WorkRunnerDeps, logger: BufferLogger, what: string, fn: () => Promise<T>): Promise<T> {
  const policy = deps.retry ?? STEP_BATCH_RETRY;
  const sleep = deps.sleep ?? defaultSleep;
  let lastError: unknown;
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    try {
      return await fn();
    } catch (error) {
      lastError = error;
      if (error instanceof OfflineBatchPendingError) break;
      if (queueActionOf(error) !== "retry") break;
      if (attempt < policy.attempts) {
        const delay = retryDelayMs(policy, attempt - 1);
        logger.warn(`${what} failed (attempt ${attempt}/${policy.attempts}): ${errorMessage(error)}; retrying in ${Math.round(delay)} ms`);
        await sleep(delay);
      }
    }
  }
  throw lastError;
}
