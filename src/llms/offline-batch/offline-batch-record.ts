import { OptionError } from "../../errors.js";
import { getJson, putJson } from "../../runtime/blob-store.js";
import { runKeys } from "../../runtime/run-keys.js";
import type { StepContext } from "../../steps/step-context.js";
import { offlineBatchRecordSchema, type OfflineBatchRecord } from "./offline-batch-job.js";

/**
 * The job a step batch submitted, kept in the run's storage under the batch's key: a batch sent
 * again (to poll, or redelivered after a crash) finds its job there instead of paying twice.
 */
export async function storedBatchJob(context: StepContext): Promise<OfflineBatchRecord | undefined> {
  const stored = await getJson(requireBlobs(context), runKeys.offlineBatch(context.runId, context.stepName, context.seqNo));
  return stored ? offlineBatchRecordSchema.parse(stored) : undefined;
}

/** Keeps `record` unless a duplicate delivery kept its own first; returns the job that counts. */
export async function keepBatchJob(context: StepContext, record: OfflineBatchRecord): Promise<{ record: OfflineBatchRecord; ours: boolean }> {
  const blobs = requireBlobs(context);
  const key = runKeys.offlineBatch(context.runId, context.stepName, context.seqNo);
  if (await putJson(blobs, key, record, { onlyIfAbsent: true })) return { record, ours: true };
  return { record: offlineBatchRecordSchema.parse(await getJson(blobs, key)), ours: false };
}

export function requireBlobs(context: StepContext): NonNullable<StepContext["services"]["blobs"]> {
  const blobs = context.services.blobs;
  if (!blobs) throw new OptionError("offline batch generation needs the run's storage to remember its job", { field: "use_offline_batch_generation" });
  return blobs;
}
