import type OpenAI from "openai";
import type { GenerateOptions } from "../llm.js";
import { toFile } from "openai";
import type { ChatType, FormattedInput, GenerateOutput, StructuredOutput } from "../types.js";
import { chatBatchInputs, type BatchInput } from "./batch-inputs.js";
import { batchJsonl, parseBatchResults, type BatchRequestLine } from "./batch-jsonl.js";
import { finishBatch } from "./batch-usage.js";
import { pendingJob, type OfflineBatchJob, type OfflineBatchLLM, type OfflineBatchRecord } from "./offline-batch-job.js";
import { keepBatchJob, storedBatchJob } from "./offline-batch-record.js";
import { openaiBatchOutputs } from "./openai-batch-results.js";

const UNFINISHED = new Set(["validating", "in_progress", "finalizing", "cancelling"]);
const CHAT_ENDPOINT = "/v1/chat/completions";
const CHAT_ONLY = "offline batch generation sends chat inputs only (raw prompts need /v1/completions)";

export interface OpenAIBatchDriver extends OfflineBatchLLM {
  client: OpenAI;
  wantLogprobs: boolean;
  /** The body an online chat call would send (never streamed). */
  requestBody(prompt: ChatType, structured: StructuredOutput | undefined, n: number): Record<string, unknown>;
}

/**
 * Generates a step batch through OpenAI's Batch API, one job per batch. The first call uploads
 * the requests as JSONL and creates the job, records it under the batch's key in the run's
 * storage, and throws `OfflineBatchPendingError`; each later call (the run polls by sending the
 * batch again) looks the job up and throws again until it has finished, then reads its output and
 * error files and returns one output per input, in input order, failed requests imputed.
 */
export async function openaiOfflineBatchGenerate(driver: OpenAIBatchDriver, inputs: FormattedInput[], options: GenerateOptions): Promise<GenerateOutput[]> {
  const { context, numGenerations } = options;
  const prepared = chatBatchInputs(context, inputs, driver.structuredOutput, CHAT_ONLY);
  const record = (await storedBatchJob(context)) ?? (await submit(driver, prepared, options));

  const batch = await driver.call(context, (attempt) => driver.client.batches.retrieve(record.job_id, { signal: attempt.signal }));
  if (UNFINISHED.has(batch.status)) throw pendingJob(driver, record, batch.status, countsOf(record, batch));

  const read = async (fileId: string | null | undefined): Promise<string | undefined> =>
    // Served as application/octet-stream: decoded as UTF-8 JSONL explicitly.
    fileId
      ? driver.call(context, async (attempt) =>
          new TextDecoder().decode(await (await driver.client.files.content(fileId, { signal: attempt.signal })).arrayBuffer()),
        )
      : undefined;
  const [output, errors] = [await read(batch.output_file_id), await read(batch.error_file_id)];
  const reason = batch.errors?.data?.[0]?.message;
  const missing =
    batch.status === "completed"
      ? `batch job '${record.job_id}' returned no result for this request`
      : `batch job '${record.job_id}' ${batch.status}${reason ? `: ${reason}` : ""}`;
  const outputs = openaiBatchOutputs(record.custom_ids, parseBatchResults(output, errors), {
    numGenerations,
    structured: prepared.map((p) => p.structured),
    wantLogprobs: driver.wantLogprobs,
    missing,
  });
  return finishBatch(context, driver, prepared, outputs, `Batch job '${record.job_id}' ${batch.status}`, "request(s)");
}

async function submit(driver: OpenAIBatchDriver, prepared: BatchInput[], options: GenerateOptions): Promise<OfflineBatchRecord> {
  const { context } = options;
  const lines: BatchRequestLine[] = prepared.map((p, i) => ({
    custom_id: String(i),
    method: "POST",
    url: CHAT_ENDPOINT,
    body: driver.requestBody(p.prompt, p.structured, options.numGenerations),
  }));
  const name = `distilflare-${context.runId}-${context.stepName}-${context.seqNo}.jsonl`;
  const bytes = new TextEncoder().encode(batchJsonl(lines));
  const file = await driver.call(context, async (attempt) =>
    driver.client.files.create({ file: await toFile(bytes, name, { type: "application/jsonl" }), purpose: "batch" }, { signal: attempt.signal }),
  );
  const batch = await driver.call(context, (attempt) =>
    driver.client.batches.create(
      {
        input_file_id: file.id,
        endpoint: CHAT_ENDPOINT,
        completion_window: "24h",
        metadata: {
          description: "distilflare",
          distilflare_run_id: context.runId,
          distilflare_step: context.stepName,
          distilflare_seq_no: String(context.seqNo),
        },
      },
      { signal: attempt.signal },
    ),
  );
  const record: OfflineBatchRecord = {
    provider: driver.provider,
    job_id: batch.id,
    input_file_id: file.id,
    endpoint: CHAT_ENDPOINT,
    custom_ids: lines.map((l) => l.custom_id),
    submitted_at: Date.now(),
  };
  const kept = await keepBatchJob(context, record);
  if (!kept.ours) {
    // A duplicate delivery of this batch submitted first: keep its job and cancel ours, so the requests are paid once.
    await driver.call(context, (attempt) => driver.client.batches.cancel(batch.id, { signal: attempt.signal })).catch(() => undefined);
    return kept.record;
  }
  context.logger.info(`Submitted batch job '${batch.id}' with ${lines.length} request(s) (input file '${file.id}')`);
  throw pendingJob(driver, record, batch.status, countsOf(record, batch));
}

function countsOf(record: OfflineBatchRecord, batch: OpenAI.Batches.Batch): OfflineBatchJob["counts"] {
  const counts = batch.request_counts;
  return { total: counts?.total ?? record.custom_ids.length, completed: counts?.completed ?? 0, failed: counts?.failed ?? 0 };
}
