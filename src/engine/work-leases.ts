import { resumeRun, type EngineContext, type Transition } from "./run-engine.js";
import { failRunInPlace } from "./run-failure.js";
import type { InflightEntry, RunState } from "./run-state.js";
import { copyRunState } from "./state-copy.js";
import type { WorkItem } from "./work.js";
import { mergeBudget, type RunBudget } from "./run-budget.js";
import { workTypeOf } from "./work-types/index.js";
import { awaitingPoll } from "./offline-batch-wait.js";

/**
 * Leases on work items. A consumer tells the run when it starts an item and renews the lease
 * while it works on it; work whose lease lapses was lost with its consumer and is sent again.
 * Work never started is sent again once it has waited longer than the queue backlog ahead of
 * it explains. Each start counts as an attempt; past the limit the run fails with the item's
 * last error instead of sending it around for ever. Pure transitions, like `run-engine.ts`.
 */
export interface LeasePolicy {
  /** A started item not renewed for this long is presumed lost. */
  leaseMs: number;
  /** A sent item is presumed lost when not started after this long plus its expected wait in the backlog. */
  unstartedGraceMs: number;
  /** Starts allowed per item; the next one fails the run. */
  maxAttempts: number;
}

/**
 * A minute-scale lease: long enough that a renewal (every third of it) is rare, short enough
 * that a restarted runtime carries on within seconds of the lapse. The queues' own retries
 * (5, then the dead-letter queue) stay inside `maxAttempts`, so their reason comes first.
 */
export const DEFAULT_LEASE_POLICY: LeasePolicy = { leaseMs: 30_000, unstartedGraceMs: 30_000, maxAttempts: 8 };

export const LAPSED_LEASE_ERROR = "its consumer stopped renewing the lease (crashed, evicted or past its time limit)";

export type StartOutcome = { granted: true; leaseMs: number } | { granted: false; reason: "unknown" | "not_running" | "held" | "attempts_exhausted" };

/** A consumer starts `workId`. Work not in flight (already reported, the run ended) or held by another consumer is not granted. */
export function startWork(input: RunState, workId: string, now: number, policy: LeasePolicy): Transition & { outcome: StartOutcome } {
  const entry = input.inflight[workId];
  if (!entry) return { state: input, dispatch: [], outcome: { granted: false, reason: "unknown" } };
  if (input.status !== "running" && input.status !== "stopping") return { state: input, dispatch: [], outcome: { granted: false, reason: "not_running" } };
  // A duplicate message while another consumer holds the work: if that one dies, its lease
  // lapses and the work is sent again.
  if (entry.lease_until !== undefined && entry.lease_until > now) return { state: input, dispatch: [], outcome: { granted: false, reason: "held" } };
  const state = copyRunState(input);
  const held = state.inflight[workId] as InflightEntry;
  held.attempts++;
  if (held.attempts > policy.maxAttempts) {
    const step = "step" in held.work ? held.work.step : undefined;
    const message = `work '${workId}' was started ${held.attempts - 1} time(s) without finishing; last error: ${held.last_error ?? "none recorded"}`;
    workTypeOf(held.work).release(state, held.work);
    failRunInPlace(state, { code: "step_failed", message, step }, held.work, now);
    return { state, dispatch: [], outcome: { granted: false, reason: "attempts_exhausted" } };
  }
  held.started_at = now;
  held.lease_until = now + policy.leaseMs;
  return { state, dispatch: [], outcome: { granted: true, leaseMs: policy.leaseMs } };
}

export function renewLease(input: RunState, workId: string, now: number, policy: LeasePolicy): Transition {
  const entry = input.inflight[workId];
  if (!entry || entry.lease_until === undefined) return { state: input, dispatch: [] };
  const state = copyRunState(input);
  (state.inflight[workId] as InflightEntry).lease_until = now + policy.leaseMs;
  return { state, dispatch: [] };
}

/**
 * A consumer gave the work back (it failed and the queue will deliver it again in
 * `retryInMs`): the error is kept as the item's last, and its wait starts from the redelivery.
 * Work that came with no queue message of its own (a fused batch, `fused-report.ts`) is
 * `requeue`d: sent through the queue now, as the normal retry path.
 */
export function abandonWork(input: RunState, workId: string, error: string, now: number, retryInMs: number, requeue = false): Transition {
  if (!input.inflight[workId]) return { state: input, dispatch: [] };
  const state = copyRunState(input);
  const entry = state.inflight[workId] as InflightEntry;
  entry.last_error = error;
  entry.dispatched_at = requeue ? now : now + retryInMs;
  delete entry.lease_until;
  delete entry.started_at;
  const running = state.status === "running" || state.status === "stopping";
  return { state, dispatch: requeue && running ? [entry.work] : [] };
}

/** Fails the run because `workId` cannot be done (the dead-letter queue got it), with its last error. */
export function failWork(input: RunState, workId: string, reason: string, now: number): Transition {
  const entry = input.inflight[workId];
  if (!entry) return { state: input, dispatch: [] };
  const state = copyRunState(input);
  const step = "step" in entry.work ? entry.work.step : undefined;
  const message = entry.last_error ? `${reason}; last error: ${entry.last_error}` : reason;
  const seqNo = "seq_no" in entry.work ? entry.work.seq_no : undefined;
  workTypeOf(entry.work).release(state, entry.work);
  failRunInPlace(state, { code: "step_failed", message, step, seq_no: seqNo }, entry.work, now);
  return { state, dispatch: [] };
}

/** When each in-flight item is presumed lost: its lease's end, or its expected start plus the grace. */
export function lostAt(state: RunState, policy: LeasePolicy): Map<string, number> {
  const deadlines = new Map<string, number>();
  const unstarted = Object.values(state.inflight)
    .filter((e) => e.lease_until === undefined && !awaitingPoll(e))
    // Stable: items sent at once keep their dispatch order (the table's insertion order).
    .sort((a, b) => a.dispatched_at - b.dispatched_at);
  // The backlog ahead of an item drains at the pace of the consumers holding work now.
  const holders = Math.max(1, Object.values(state.inflight).filter((e) => e.lease_until !== undefined).length);
  unstarted.forEach((entry, ahead) => {
    const expectedWait = (ahead * state.work_timing.mean_ms) / holders;
    deadlines.set(entry.work.id, entry.dispatched_at + policy.unstartedGraceMs + expectedWait);
  });
  for (const entry of Object.values(state.inflight)) if (entry.lease_until !== undefined) deadlines.set(entry.work.id, entry.lease_until);
  // A pending provider batch job is "lost" at its next poll: sending the batch again polls it.
  for (const entry of Object.values(state.inflight)) if (awaitingPoll(entry)) deadlines.set(entry.work.id, entry.offline_batch.next_poll_at);
  return deadlines;
}

/** The earliest moment some in-flight item will be presumed lost (when to look again). */
export function nextLossCheck(state: RunState, policy: LeasePolicy): number | undefined {
  if (state.status !== "running" && state.status !== "stopping") return undefined;
  let next: number | undefined;
  for (const at of lostAt(state, policy).values()) next = next === undefined ? at : Math.min(next, at);
  return next;
}

/** Sends again every item presumed lost: a lapsed lease, or never started in time. */
export function redispatchLost(input: RunState, now: number, policy: LeasePolicy): Transition {
  if (input.status !== "running" && input.status !== "stopping") return { state: input, dispatch: [] };
  const lost = [...lostAt(input, policy)].filter(([, at]) => at <= now).map(([id]) => id);
  if (lost.length === 0) return { state: input, dispatch: [] };
  const state = copyRunState(input);
  return { state, dispatch: lost.map((id) => resend(state.inflight[id] as InflightEntry, now)) };
}

/** `POST /resume` on a running run: sends every unreported item again (a duplicate report changes nothing). */
export function resendUnreported(input: RunState, now: number): Transition {
  const state = copyRunState(input);
  return { state, dispatch: Object.values(state.inflight).map((entry) => resend(entry, now)) };
}

/** `POST /resume`: a stopped or failed run carries on; a running one has its unreported work sent again. */
export function resumeRunOrResend(input: RunState, context: EngineContext, options: { budget?: Partial<RunBudget> | undefined } = {}): Transition {
  if (input.status !== "running") return resumeRun(input, context, options);
  const transition = resendUnreported(input, context.now);
  const budget = mergeBudget(input.budget, options.budget);
  return budget === input.budget ? transition : { ...transition, state: { ...transition.state, budget } };
}

function resend(entry: InflightEntry, now: number): WorkItem {
  if (entry.lease_until !== undefined && entry.lease_until <= now) entry.last_error ??= LAPSED_LEASE_ERROR;
  entry.dispatched_at = now;
  delete entry.lease_until;
  delete entry.started_at;
  return entry.work;
}
