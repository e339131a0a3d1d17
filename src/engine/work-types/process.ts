import { z } from "zod";
import { DistilflareError, errorMessage } from "../../errors.js";
import type { Row } from "../../core/row.js";
import { queueActionOf } from "../../error-actions.js";
import { OfflineBatchPendingError } from "../../llms/offline-batch/offline-batch-job.js";
import type { UsageRecorder } from "../../llms/usage/usage.js";
import { BatchReader } from "../../runtime/batch-output.js";
import type { BlobStore } from "../../runtime/blob-store.js";
import { loadSteps } from "../../runtime/load-steps.js";
import { runKeys } from "../../runtime/run-keys.js";
import { Step, type BaseStep } from "../../steps/base-step.js";
import { applyInputMappings, applyOutputMappings } from "../../steps/mappings.js";
import type { BufferLogger } from "../../steps/step-context.js";
import { inputBatchRows, inputBatchSchema, type CreatedFrom, type InputBatch } from "../batch.js";
import { getBatch } from "../batch-manager-step.js";
import { admitBatch, type BudgetLedger } from "../run-budget.js";
import type { EngineContext } from "../run-engine.js";
import type { RunState } from "../run-state.js";
import { copyBatchManager } from "../state-copy.js";
import type { WorkReportInput } from "../work.js";
import { trackInflight } from "../work-tracking.js";
import { activeSteps, existingOutput, stepBatchWorkType, stepContext, storeOutput, withRetries } from "./step-batch.js";
import { reportOf, type WorkRunnerDeps, type WorkType } from "./work-type.js";

/** Run a step on an input batch whose rows are referenced by slices of upstream outputs. */
export const processWorkSchema = z.object({
  type: z.literal("process"),
  id: z.string(),
  run_id: z.string(),
  ...inputBatchSchema.shape,
  /** Producer step -> the earlier run whose stored batches it reuses (absent: this run's). */
  sources: z.record(z.string(), z.string()).optional(),
});
export type ProcessWork = z.infer<typeof processWorkSchema>;

/** A normal or global step's batch: its output keeps where its rows came from and where routing sent them. */
export const processWork: WorkType<typeof processWorkSchema> = stepBatchWorkType({
  schema: processWorkSchema,
  reportedOutput: (work, report) => ({
    seq_no: work.seq_no,
    num_rows: report.num_rows,
    bytes: report.bytes,
    last_batch: work.last_batch,
    created_from: firstOrigin(work.created_from),
    batch_routed_to: work.batch_routed_to,
  }),
  send: sendBatches,
  run: runProcess,
});

/**
 * Downstream only ever reads where a batch's first rows came from (convergence groups); a
 * global step's batch came from every upstream batch, and carrying all of them would make each
 * buffered batch as large as the whole run.
 */
function firstOrigin(createdFrom: CreatedFrom): CreatedFrom {
  const [step, origins] = Object.entries(createdFrom)[0] ?? [];
  return step && origins?.[0] ? { [step]: [origins[0]] } : {};
}

/** Every batch the steps of the current stage can build now, up to each step's `max_inflight`. */
function sendBatches(state: RunState, context: EngineContext, ledger: BudgetLedger | undefined): ProcessWork[] {
  const dispatch: ProcessWork[] = [];
  for (const name of activeSteps(state)) {
    const plan = state.plan.steps[name];
    const step = state.steps[name];
    const manager = state.batch_managers[name];
    if (!plan || !step || !manager || plan.kind === "generator" || step.done) continue;
    while (step.inflight < plan.max_inflight) {
      // Building a batch consumes buffered rows: one the budget holds back is put back as it was.
      const unbuilt = ledger ? copyBatchManager(manager) : undefined;
      const batch = getBatch(manager);
      if (!batch) break;
      if (ledger && unbuilt && admitBatch(ledger, state, name, inputBatchRows(batch)) !== "send") {
        state.batch_managers[name] = unbuilt;
        break;
      }
      const work = processWorkOf(state, batch);
      step.inflight++;
      step.batches_sent++;
      step.rows_in += inputBatchRows(batch);
      trackInflight(state, work, context.now);
      dispatch.push(work);
    }
  }
  return dispatch;
}

function processWorkOf(state: RunState, batch: InputBatch): ProcessWork {
  const sources = Object.fromEntries(
    batch.data.flatMap((part) => {
      const source = state.plan.steps[part.from]?.reused_from;
      return source ? [[part.from, source]] : [];
    }),
  );
  return {
    type: "process",
    id: `process:${batch.step}:${batch.seq_no}`,
    run_id: state.run_id,
    ...batch,
    ...(Object.keys(sources).length > 0 ? { sources } : {}),
  };
}

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
async function runProcess(work: ProcessWork, deps: WorkRunnerDeps, logger: BufferLogger): Promise<WorkReportInput> {
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
}

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
