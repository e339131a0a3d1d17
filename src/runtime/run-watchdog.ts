import type { Transition } from "../engine/run-engine.js";
import type { RunState } from "../engine/run-state.js";
import type { WorkItem } from "../engine/work.js";
import { awaitingPoll } from "../engine/offline-batch-wait.js";
import { DEFAULT_LEASE_POLICY, nextLossCheck, redispatchLost, type LeasePolicy } from "../engine/work-leases.js";
import { logLine } from "./run-log-line.js";

/**
 * The run object's watchdog, as pure decisions: when its alarm must ring next, and what a look
 * at the run re-sends (work presumed lost, provider batch jobs due a poll). The Durable Object
 * sets the alarm and commits the transition (`durable-objects/run-watchdog.ts`).
 */

/** A running run with nothing that could be lost still gets looked at this often. */
export const IDLE_CHECK_MS = 60_000;
/** Status calls look for lost work at most this often (the alarm looks whenever it rings). */
export const STATUS_CHECK_EVERY_MS = 5_000;

/** The lease policy; `WORK_LEASE_SECONDS` (wrangler.toml) sets the lease and the grace of unstarted work. */
export function leasePolicyFrom(workLeaseSeconds: string | undefined): LeasePolicy {
  const seconds = Number(workLeaseSeconds ?? "");
  if (!Number.isFinite(seconds) || seconds <= 0) return DEFAULT_LEASE_POLICY;
  return { ...DEFAULT_LEASE_POLICY, leaseMs: seconds * 1000, unstartedGraceMs: seconds * 1000 };
}

/**
 * When the alarm must ring for the next moment some work may be presumed lost (a running run is
 * always watched), or undefined when no alarm is needed or an earlier one pending will look
 * again and re-arm.
 */
export function nextAlarmAt(state: RunState, policy: LeasePolicy, now: number, pendingAlarm: number | undefined): number | undefined {
  if (state.status !== "running" && state.status !== "stopping") return undefined;
  const at = Math.max(now + 1_000, Math.min(nextLossCheck(state, policy) ?? Number.POSITIVE_INFINITY, now + IDLE_CHECK_MS));
  if (pendingAlarm !== undefined && pendingAlarm > now && pendingAlarm <= at) return undefined;
  return at;
}

/**
 * Work to send again — a lapsed lease, never started although the backlog ahead of it should
 * have drained (a local queue keeps nothing across a restart), or a provider batch job due a
 * poll — and the log lines that say which is which.
 */
export function lostWorkCheck(state: RunState, now: number, policy: LeasePolicy): { transition: Transition; log: string[] } {
  const transition = redispatchLost(state, now, policy);
  if (transition.dispatch.length === 0) return { transition, log: [] };
  const [polls, lost] = partitionPolls(state, transition.dispatch);
  const at = new Date(now);
  const log: string[] = [];
  if (polls.length > 0) log.push(logLine("INFO", `Polling the batch job(s) of ${polls.join(", ")}`, at));
  if (lost.length > 0) log.push(logLine("WARNING", `Re-sending ${lost.length} work item(s) presumed lost: ${lost.join(", ")}`, at));
  return { transition, log };
}

/** Work sent again to poll its provider batch job, apart from work presumed lost. */
function partitionPolls(state: RunState, works: WorkItem[]): [string[], string[]] {
  const polls = (work: WorkItem) => {
    const entry = state.inflight[work.id];
    return entry !== undefined && awaitingPoll(entry);
  };
  return [works.filter(polls).map((w) => w.id), works.filter((w) => !polls(w)).map((w) => w.id)];
}
