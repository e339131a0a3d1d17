import { z } from "zod";
import type { StepContext } from "../../steps/step-context.js";
import type { Attempt } from "../reliability/reliable-call.js";
import type { StructuredOutput } from "../types.js";

/** Where a provider's batch job stands, as the run's status shows it. */
export const offlineBatchJobSchema = z.object({
  /** The LLM type that submitted it (`OpenAILLM`). */
  provider: z.string(),
  job_id: z.string(),
  /** The provider's own status word (`validating`, `in_progress`, `finalizing`...). */
  status: z.string(),
  counts: z.object({ total: z.number().int().nonnegative(), completed: z.number().int().nonnegative(), failed: z.number().int().nonnegative() }),
  submitted_at: z.number(),
  /** `offline_batch_generation_block_until_done`: a fixed poll interval; unset, the run backs off. */
  poll_interval_seconds: z.number().positive().optional(),
});
export type OfflineBatchJob = z.infer<typeof offlineBatchJobSchema>;

/**
 * Thrown by an LLM in offline batch mode while its job is not finished (distilabel's
 * `DistilabelOfflineBatchGenerationNotFinishedException`): not a failure, so the work runner
 * neither retries nor imputes it; it reports the job and the run polls it later.
 */
export class OfflineBatchPendingError extends Error {
  constructor(readonly job: OfflineBatchJob) {
    super(`offline batch job '${job.job_id}' is ${job.status} (${job.counts.completed}/${job.counts.total} done)`);
    this.name = "OfflineBatchPendingError";
  }
}

/** What the offline path needs of an LLM, whatever its provider. */
export interface OfflineBatchLLM {
  provider: string;
  model: string;
  pollIntervalSeconds: number | undefined;
  /** The LLM's own structured output, for inputs that carry none. */
  structuredOutput: StructuredOutput | undefined;
  /** A provider request through the reliability layer (retries, timeout), outside the rate limiter. */
  call<T>(context: StepContext, run: (attempt: Attempt) => Promise<T>): Promise<T>;
}

/** What a submitted job leaves in the run's storage, so a redelivered batch polls it instead of submitting a second one. */
export const offlineBatchRecordSchema = z.object({
  provider: z.string(),
  job_id: z.string(),
  /** The uploaded requests (OpenAI); Workers AI takes them inline. */
  input_file_id: z.string().optional(),
  endpoint: z.string(),
  custom_ids: z.array(z.string()),
  submitted_at: z.number(),
});
export type OfflineBatchRecord = z.infer<typeof offlineBatchRecordSchema>;

export function pendingJob(llm: OfflineBatchLLM, record: OfflineBatchRecord, status: string, counts: OfflineBatchJob["counts"]): OfflineBatchPendingError {
  return new OfflineBatchPendingError({
    provider: llm.provider,
    job_id: record.job_id,
    status,
    counts,
    submitted_at: record.submitted_at,
    ...(llm.pollIntervalSeconds !== undefined ? { poll_interval_seconds: llm.pollIntervalSeconds } : {}),
  });
}
