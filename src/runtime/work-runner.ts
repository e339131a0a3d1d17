import { DistilflareError, errorMessage, toDistilflareError } from "../errors.js";
import { queueActionOf } from "../error-actions.js";
import type { Row } from "../core/row.js";
import type { Pipeline } from "../pipeline/pipeline.js";
import { GeneratorStep, Step, type BaseStep } from "../steps/base-step.js";
import { applyInputMappings, applyOutputMappings } from "../steps/mappings.js";
import { BufferLogger, type StepContext, type StepServices } from "../steps/step-context.js";
import { finalizeDistiset, writeDistisetFile } from "../distiset/distiset-writer.js";
import type { GenerateWork, ProcessWork, WorkItem, WorkReportInput } from "../engine/work.js";
import type { BlobStore } from "./blob-store.js";
import { BatchReader, readBatchOutput, serializeBatchOutput } from "./batch-output.js";
import { UsageRecorder } from "../llms/usage/usage.js";
import { usageReport } from "../llms/usage/usage-totals.js";
import { DEFAULT_PRICES, type PriceTable } from "../llms/pricing/price-table.js";
import { loadSteps } from "./load-steps.js";
import { OfflineBatchPendingError } from "../llms/offline-batch/offline-batch-job.js";
import { runKeys } from "./run-keys.js";
import { retryDelayMs, STEP_BATCH_RETRY, type RetryPolicy } from "../core/retry-policy.js";

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

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The fields every report of `work` starts with. */
function reportOf(work: WorkItem): Pick<WorkReportInput, "id" | "run_id" | "type" | "step" | "seq_no"> {
  return { id: work.id, run_id: work.run_id, type: work.type, step: "step" in work ? work.step : undefined, seq_no: "seq_no" in work ? work.seq_no : undefined };
}

/**
 * Runs one work item and returns its report. Idempotent per work id: an output already stored
 * under the batch's deterministic key is reported as it is, never computed twice.
 */
export async function runWork(work: WorkItem, deps: WorkRunnerDeps): Promise<WorkReportInput> {
  const logger = new BufferLogger(work.type === "finalize" ? "" : `[${"step" in work ? work.step : ""}] `);
  try {
    const report = await runWorkUnsafe(work, deps, logger);
    return { ...report, log: [...logger.lines, ...(report.log ?? [])] };
  } catch (error) {
    const failure = toDistilflareError(error);
    logger.error(failure.message);
    return {
      ...reportOf(work),
      fatal: { code: failure.code, message: failure.message },
      log: logger.lines,
    };
  } finally {
    deps.onLog?.(logger.lines);
  }
}

async function runWorkUnsafe(work: WorkItem, deps: WorkRunnerDeps, logger: BufferLogger): Promise<WorkReportInput> {
  switch (work.type) {
    case "generate":
      return runGenerate(work, deps, logger);
    case "process":
      return runProcess(work, deps, logger);
    case "write_parquet": {
      const pipeline = await deps.pipeline(work.run_id);
      const file = await writeDistisetFile({
        store: deps.store,
        runId: work.run_id,
        sourceRunId: work.source_run_id,
        step: work.step,
        config: work.config,
        split: work.split,
        fileIndex: work.file_index,
        seqNos: work.seq_nos,
        enableMetadata: pipeline.enableMetadata,
      });
      logger.info(`Wrote ${file.num_rows} rows to '${file.path}'`);
      return {
        ...reportOf(work),
        num_rows: file.num_rows,
        file: { path: file.path, size_bytes: file.size_bytes, num_rows: file.num_rows },
        columns: file.columns,
      };
    }
    case "finalize": {
      const pipeline = await deps.pipeline(work.run_id);
      const leaves = pipeline.dag().leaves();
      const configs = Object.fromEntries(leaves.map((leaf) => [leaf, leaves.length === 1 ? "default" : leaf]));
      const manifest = await finalizeDistiset({
        store: deps.store,
        runId: work.run_id,
        pipelineName: pipeline.name,
        description: pipeline.description,
        configs,
        failedRows: work.failed_rows,
        usage: usageReport(work.usage ?? {}, deps.prices ?? DEFAULT_PRICES),
      });
      const total = Object.values(manifest.configs).reduce((sum, c) => sum + (c.splits.train?.num_rows ?? 0), 0);
      logger.info(`Distiset written: ${Object.keys(manifest.configs).length} config(s), ${total} rows`);
      return { ...reportOf(work), num_rows: total };
    }
  }
}

function stepContext(work: GenerateWork | ProcessWork, deps: WorkRunnerDeps, logger: BufferLogger): StepContext {
  return { runId: work.run_id, stepName: work.step, seqNo: work.seq_no, logger, services: deps.services, usage: new UsageRecorder() };
}

async function existingOutput(work: GenerateWork | ProcessWork, deps: WorkRunnerDeps): Promise<WorkReportInput | undefined> {
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
async function storeOutput(work: GenerateWork | ProcessWork, rows: Row[], lastBatch: boolean, deps: WorkRunnerDeps): Promise<{ numRows: number; bytes: number; lastBatch: boolean }> {
  const key = runKeys.batch(work.run_id, work.step, work.seq_no);
  const body = serializeBatchOutput(rows, lastBatch);
  const written = await deps.store.put(key, body, { contentType: "application/json", onlyIfAbsent: true });
  if (written) return { numRows: rows.length, bytes: written.size, lastBatch };
  const output = await readBatchOutput(deps.store, key);
  const info = await deps.store.head(key);
  return { numRows: output?.num_rows ?? rows.length, bytes: info?.size ?? body.length, lastBatch: output?.last_batch ?? lastBatch };
}

async function runGenerate(work: GenerateWork, deps: WorkRunnerDeps, logger: BufferLogger): Promise<WorkReportInput> {
  const existing = await existingOutput(work, deps);
  if (existing) return existing;
  const pipeline = await deps.pipeline(work.run_id);
  const step = pipeline.step(work.step);
  if (!(step instanceof GeneratorStep)) throw new DistilflareError("internal", `Step '${work.step}' is not a generator`);
  const context = stepContext(work, deps, logger);
  await loadSteps([step], context);
  const output = await withRetries(deps, logger, `generator '${work.step}' batch ${work.seq_no}`, () => step.generate(work.offset, context));
  const rows = applyOutputMappings(output.rows, {}, step.outputMappings);
  const stored = await storeOutput(work, rows, output.lastBatch || work.force_last_batch, deps);
  logger.info(`Generated batch ${work.seq_no} with ${stored.numRows} rows${stored.lastBatch ? " (last)" : ""}`);
  return { ...reportOf(work), num_rows: stored.numRows, bytes: stored.bytes, last_batch: stored.lastBatch, usage: context.usage?.snapshot() };
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

async function withRetries<T>(deps: WorkRunnerDeps, logger: BufferLogger, what: string, fn: () => Promise<T>): Promise<T> {
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
