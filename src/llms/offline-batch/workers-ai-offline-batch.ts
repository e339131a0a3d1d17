import { z } from "zod";
import type { GenerateOptions } from "../llm.js";
import { assembleOutput, type CallResult } from "../assemble-output.js";
import { emptyOutput, type ChatType, type FormattedInput, type GenerateOutput, type StructuredOutput } from "../types.js";
import { runOptions, type gatewaySchema, type WorkersAIBinding } from "../workers-ai-binding.js";
import { chatBatchInputs, type BatchInput } from "./batch-inputs.js";
import { finishBatch } from "./batch-usage.js";
import { pendingJob, type OfflineBatchLLM, type OfflineBatchRecord } from "./offline-batch-job.js";
import { keepBatchJob, storedBatchJob } from "./offline-batch-record.js";

const UNFINISHED = new Set(["queued", "running"]);

const statusReplySchema = z.object({ status: z.string(), request_id: z.string().optional() });
const resultsReplySchema = z.object({
  responses: z.array(
    z.object({
      /** The index of the request in the batch. */
      id: z.number().int().nonnegative().optional(),
      external_reference: z.string().optional(),
      success: z.boolean().optional(),
      result: z.unknown().optional(),
      error: z.unknown().optional(),
    }),
  ),
});

interface WorkersAIBatchDriver extends OfflineBatchLLM {
  ai: WorkersAIBinding;
  gateway: z.infer<typeof gatewaySchema> | undefined;
  /** The inputs one online call would send. */
  requestInputs(prompt: ChatType, structured: StructuredOutput | undefined): Record<string, unknown>;
  readReply(raw: unknown): CallResult;
}

/**
 * Generates a step batch through Workers AI's asynchronous batches: the requests go in one
 * `run(model, {requests}, {queueRequest: true})` (each generation its own request, tagged with
 * `external_reference` `<input>:<generation>`), the returned `request_id` is kept in the run's
 * storage, and each later call polls `run(model, {request_id})` until the responses come back.
 */
export async function workersAiOfflineBatchGenerate(
  driver: WorkersAIBatchDriver,
  inputs: FormattedInput[],
  options: GenerateOptions,
): Promise<GenerateOutput[]> {
  const { context, numGenerations } = options;
  const prepared = chatBatchInputs(context, inputs, driver.structuredOutput, "offline batch generation sends chat inputs only");
  const record = (await storedBatchJob(context)) ?? (await submit(driver, prepared, options));
  const raw = await driver.call(context, (attempt) => driver.ai.run(driver.model, { request_id: record.job_id }, runOptions(attempt.signal, driver.gateway)));
  const finished = resultsReplySchema.safeParse(raw);
  if (!finished.success) {
    const status = statusReplySchema.safeParse(raw);
    if (status.success && UNFINISHED.has(status.data.status)) throw pendingJob(driver, record, status.data.status, noProgress(record));
    throw new Error(`Workers AI batch '${record.job_id}': unexpected reply ${JSON.stringify(raw).slice(0, 200)}`);
  }
  const byReference = new Map<string, z.infer<typeof resultsReplySchema>["responses"][number]>();
  for (const response of finished.data.responses) {
    const reference = response.external_reference ?? (response.id !== undefined ? record.custom_ids[response.id] : undefined);
    if (reference !== undefined) byReference.set(reference, response);
  }
  const outputs = prepared.map((p, i) => {
    const results: CallResult[] = [];
    const errors: string[] = [];
    for (let g = 0; g < numGenerations; g++) {
      const response = byReference.get(`${i}:${g}`);
      if (!response) errors.push(`Workers AI batch '${record.job_id}' returned no result for this request`);
      else if (response.success === false)
        errors.push(
          `Workers AI batch request failed: ${typeof response.error === "string" ? response.error : JSON.stringify(response.error ?? "unknown error")}`,
        );
      else {
        try {
          results.push(driver.readReply(response.result));
        } catch (error) {
          errors.push(error instanceof Error ? error.message : String(error));
        }
      }
    }
    return results.length === 0 ? emptyOutput(numGenerations, errors[0]) : assembleOutput(results, { numGenerations, structured: p.structured, errors });
  });
  return finishBatch(context, driver, prepared, outputs, `Workers AI batch '${record.job_id}' finished`, "input(s)");
}

async function submit(driver: WorkersAIBatchDriver, prepared: BatchInput[], options: GenerateOptions): Promise<OfflineBatchRecord> {
  const { context } = options;
  const requests = prepared.flatMap((p, i) =>
    Array.from({ length: options.numGenerations }, (_, g) => ({ ...driver.requestInputs(p.prompt, p.structured), external_reference: `${i}:${g}` })),
  );
  const raw = await driver.call(context, (attempt) =>
    driver.ai.run(driver.model, { requests }, { ...runOptions(attempt.signal, driver.gateway), queueRequest: true }),
  );
  const queued = statusReplySchema.safeParse(raw);
  if (!queued.success || !queued.data.request_id) throw new Error(`Workers AI did not queue the batch: ${JSON.stringify(raw).slice(0, 200)}`);
  const record: OfflineBatchRecord = {
    provider: driver.provider,
    job_id: queued.data.request_id,
    endpoint: `workers-ai:${driver.model}`,
    custom_ids: requests.map((r) => r.external_reference),
    submitted_at: Date.now(),
  };
  // A duplicate delivery that queued first wins (Workers AI has no cancel: ours runs unread).
  const kept = await keepBatchJob(context, record);
  if (!kept.ours) return kept.record;
  context.logger.info(`Queued Workers AI batch '${record.job_id}' with ${requests.length} request(s)`);
  throw pendingJob(driver, record, queued.data.status, noProgress(record));
}

/** Workers AI reports no progress while a batch runs. */
function noProgress(record: OfflineBatchRecord): { total: number; completed: number; failed: number } {
  return { total: record.custom_ids.length, completed: 0, failed: 0 };
}
