import { z } from "zod";
import { retryDelayMs } from "../core/retry-policy.js";
import { offlineBatchJobSchema } from "../llms/offline-batch/offline-batch-job.js";
import { addUsage } from "../llms/usage/usage.js";
import type { InflightEntry, RunState } from "./run-state.js";
import { copyRunState } from "./state-copy.js";
import type { WorkReport } from "./work.js";

/** A pending provider batch job as the run keeps it: the job, how often it was polled, when to poll next. */
export const offlineBatchWaitSchema = offlineBatchJobSchema.extend({ polls: z.number().int().nonnegative(), next_poll_at: z.number() });
export type OfflineBatchWait = z.infer<typeof offlineBatchWaitSchema>;

/**
 * Without `offline_batch_generation_block_until_done` the run backs off: a job that takes hours
 * is polled every few minutes, one that takes seconds (a small batch, a test) soon after.
 */
export const OFFLINE_BATCH_BACKOFF = { firstMs: 5_000, maxMs: 300_000 };

export function pollDelayMs(job: { poll_interval_seconds?: number | undefined }, polls: number): number {
  if (job.poll_interval_seconds !== undefined) return job.poll_interval_seconds * 1000;
  return retryDelayMs({ baseDelayMs: OFFLINE_BATCH_BACKOFF.firstMs, maxDelayMs: OFFLINE_BATCH_BACKOFF.maxMs, jitter: "none" }, polls);
}

/**
 * A consumer reported that its batch is a provider job still running. The work stays in flight,
 * without a lease (no consumer holds it for hours), and is sent again to poll at `next_poll_at`;
 * a poll is progress, so it does not count against the item's attempts. Pure, like `run-engine.ts`.
 */
export function awaitOfflineBatch(input: RunState, report: Pick<WorkReport, "id" | "offline_batch" | "usage">, now: number): RunState {
  const entry = input.inflight[report.id];
  const job = report.offline_batch;
  if (!entry || !job || entry.work.type !== "process") return input;
  const state = copyRunState(input);
  const held = state.inflight[report.id] as InflightEntry;
  const polls = held.offline_batch?.job_id === job.job_id ? held.offline_batch.polls + 1 : 0;
  held.offline_batch = { ...job, polls, next_poll_at: now + pollDelayMs(job, polls) };
  held.dispatched_at = now;
  held.attempts = 0;
  delete held.lease_until;
  delete held.started_at;
  delete held.last_error;
  const step = state.steps[entry.work.step];
  if (step && report.usage) step.usage = addUsage(step.usage ?? {}, report.usage);
  return state;
}

/** Whether an in-flight item is waiting for its job's next poll (neither sent nor lost). */
export function awaitingPoll(entry: InflightEntry): entry is InflightEntry & { offline_batch: OfflineBatchWait } {
  return entry.offline_batch !== undefined && entry.dispatched_at < entry.offline_batch.next_poll_at;
}

/** In-flight items some consumer holds or will get: a stop waits for these, not for jobs that take hours. */
export function activeInflightCount(state: RunState): number {
  return Object.values(state.inflight).filter((entry) => !awaitingPoll(entry)).length;
}

/** The pending batch jobs of a run, for its status. */
export function pendingOfflineBatches(state: RunState): Array<OfflineBatchWait & { step: string; seq_no: number }> {
  return Object.values(state.inflight).flatMap((entry) =>
    entry.offline_batch && entry.work.type === "process" ? [{ step: entry.work.step, seq_no: entry.work.seq_no, ...entry.offline_batch }] : [],
  );
}

/** Items whose poll is due by `now`, and the next poll after them (the in-process executor sleeps until it). */
export function duePolls(state: RunState, now: number): { due: string[]; next: number | undefined } {
  const due: string[] = [];
  let next: number | undefined;
  for (const entry of Object.values(state.inflight)) {
    if (!awaitingPoll(entry)) continue;
    if (entry.offline_batch.next_poll_at <= now) due.push(entry.work.id);
    else next = next === undefined ? entry.offline_batch.next_poll_at : Math.min(next, entry.offline_batch.next_poll_at);
  }
  return { due, next };
}
