import { DistilflareError, errorMessage } from "../../errors.js";
import type { Row } from "../../core/row.js";
import type { ProcessWork } from "../../engine/work.js";
import { queueActionOf } from "../../error-actions.js";
import { OfflineBatchPendingError } from "../../llms/offline-batch/offline-batch-job.js";
import type { UsageRecorder } from "../../llms/usage/usage.js";
import { Step, type BaseStep } from "../../steps/base-step.js";
import { applyInputMappings, applyOutputMappings } from "../../steps/mappings.js";
import { BatchReader } from "../batch-output.js";
import type { BlobStore } from "../blob-store.js";
import { loadSteps } from "../load-steps.js";
import { runKeys } from "../run-keys.js";
import { existingOutput, stepContext, storeOutput, withRetries } from "./step-batch.js";
import { reportOf, type WorkExecutor } from "./work-executor.js";

async function readInputs(work: ProcessWork, store: BlobStore): Promise<Row[][]> {
  const reader = new BatchReader(store);
  return Promise.all(
    work.data.map(async (part) => {
      const rows: Row[] = [];
      for (const slice of part.slices) {
        // A reused producer's batches are another run's: the runtime reads them, never a user step.
        const output = await reader.read(runKeys.batch(work.sources?.[part.from] ?? work.run_id, part.from, slice.seq_no));
        rows.push(...output.rows.slice(slice.start, slice.end));
      }
      return rows;
    }),
  );
}

/**
 * Runs a step on its input batch. A failing batch of a normal step is imputed as null and flows
 * on (distilabel's contract); a global step's failure fails the run.
 */
export const runProcess: WorkExecutor<ProcessWork> = async (work, deps, logger) => {
  const existing = await existingOutput(work, deps);
  if (existing) return existing;
  const pipeline = await deps.pipeline(work.run_id);
  const step = pipeline.step(work.step) as BaseStep;
  if (!(step instanceof Step)) throw new DistilflareError("internal", `Step '${work.step}' is not a processing step`);
  const inputs = await readInputs(work, deps.store);
  const rowsIn = inputs.reduce((sum, rows) => sum + rows.length, 0);
  const errors: Array<{ code: string; message: string }> = [];
  let rows: Row[];
  let usage: UsageRecorder | undefined;
  let batchFailed = false;
  let rowErrors = 0;
  if (rowsIn === 0) {
    rows = [];
  } else {
    const context = stepContext(work, deps, logger);
    usage = context.usage;
    const { renamed, overridden } = applyInputMappings(inputs, step.inputMappings);
    // Outside the imputing path: a step that cannot load fails the run, it never nulls rows.
    await loadSteps([step], context);
    try {
      const output = await withRetries(deps, logger, `step '${work.step}' batch ${work.seq_no}`, () => step.process(renamed, context));
      rows = applyOutputMappings(output, step.inputMappings, step.outputMappings, overridden);
    } catch (error) {
      // Not a failure: the batch's provider job is still running; the run polls it later.
      if (error instanceof OfflineBatchPendingError) return { ...reportOf(work), rows_in: rowsIn, offline_batch: error.job, usage: usage?.snapshot() };
      if (step.kind === "global" || queueActionOf(error) === "fail_run") throw error;
      // distilabel's contract: a failed batch is not lost; its outputs are imputed as null and it flows on.
      const message = errorMessage(error);
      logger.warn(`Step '${work.step}' failed on batch ${work.seq_no}; its ${rowsIn} rows continue with null outputs: ${message}`);
      errors.push({ code: "step_failed", message });
      batchFailed = true;
      rows = applyOutputMappings(step.imputeOutputs(renamed, error), step.inputMappings, step.outputMappings, overridden);
    }
    rowErrors = batchFailed ? rows.length : countRowErrors(rows, work.step);
    if (!batchFailed && rowErrors > 0) errors.push({ code: "llm_failed", message: `${rowErrors} row(s) got null generations after their calls failed` });
  }
  const stored = await storeOutput(work, rows, work.last_batch, deps);
  logger.info(`Processed batch ${work.seq_no}: ${rowsIn} rows in, ${stored.numRows} rows out`);
  return {
    ...reportOf(work),
    num_rows: stored.numRows,
    rows_in: rowsIn,
    bytes: stored.bytes,
    last_batch: work.last_batch,
    errors,
    failed_rows: Math.min(rowErrors, stored.numRows),
    usage: usage?.snapshot(),
  };
};

/** Rows whose task metadata records a failed LLM call (`error_<step>`). */
function countRowErrors(rows: Row[], step: string): number {
  let count = 0;
  for (const row of rows) {
    const meta = row.distilabel_metadata;
    // With group_generations the metadata is a list, one entry per generation.
    const entries: unknown[] = Array.isArray(meta) ? meta : [meta];
    if (entries.some((m) => m !== null && typeof m === "object" && typeof (m as Row)[`error_${step}`] === "string")) count++;
  }
  return count;
}
