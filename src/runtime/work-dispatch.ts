import type { WorkItem } from "../engine/work.js";
import { MAX_INLINE_MESSAGE_BYTES, type WorkMessage } from "./queue-message.js";
import { runKeys } from "./run-keys.js";

/** Generator requests, Parquet writes and the finalizer go to the control queue, so they never wait behind slow LLM batches. */
export function queueOf(work: WorkItem): "steps" | "control" {
  return work.type === "process" ? "steps" : "control";
}

/**
 * The queue message of a work item: the item itself, or the R2 key of its JSON when it is too
 * large for a message (`store` says where the caller must put it first; `spilled` items are in R2 already).
 */
export function workMessage(work: WorkItem, spilled: boolean): { message: WorkMessage; store?: { key: string; json: string } } {
  const key = runKeys.work(work.run_id, work.id);
  const byRef: WorkMessage = { run_id: work.run_id, work_id: work.id, work_ref: key };
  if (spilled) return { message: byRef };
  const inline: WorkMessage = { run_id: work.run_id, work };
  if (JSON.stringify(inline).length <= MAX_INLINE_MESSAGE_BYTES) return { message: inline };
  return { message: byRef, store: { key, json: JSON.stringify(work) } };
}

/** Queues take at most 100 messages and 256 KB per `sendBatch`: the messages cut into such batches, in order. */
export function sendBatches(bodies: readonly WorkMessage[]): WorkMessage[][] {
  const batches: WorkMessage[][] = [];
  let batch: WorkMessage[] = [];
  let bytes = 0;
  for (const body of bodies) {
    const size = JSON.stringify(body).length + 100;
    if (batch.length > 0 && (batch.length === 100 || bytes + size > 250_000)) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(body);
    bytes += size;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}
