import { applyReport, type EngineContext, type Transition } from "./run-engine.js";
import type { InflightEntry, RunState } from "./run-state.js";
import { fusedSuccessor } from "./step-fusion.js";
import type { LeasePolicy } from "./work-leases.js";
import type { WorkItem, WorkReportInput } from "./work.js";

/** A report's transition, and the successor batch handed to the reporting consumer instead of the queue. */
export interface FusedTransition extends Transition {
  fused?: { work: WorkItem; leaseMs: number } | undefined;
}

/**
 * `applyReport`, then, when the consumer can take more work (`accept_fused`), the successor
 * batch built from the reported batch alone (`step-fusion.ts`) is started for that consumer
 * right here: leased and counted as an attempt as `startWork` would, and left out of the
 * dispatch. Everything else about it is unchanged: it is in flight like any sent batch, the
 * consumer renews its lease and reports it, and a lapsed lease sends it through the queue.
 */
export function applyReportFusing(
  input: RunState,
  report: WorkReportInput,
  context: EngineContext,
  policy: LeasePolicy,
  acceptFused: boolean,
): FusedTransition {
  const transition = applyReport(input, report, context);
  const reported = input.inflight[report.id]?.work;
  if (!acceptFused || !reported || transition.state === input || transition.state.status !== "running") return transition;
  if (reported.type !== "generate" && reported.type !== "process") return transition;
  const state = transition.state;
  const next = fusedSuccessor(reported, state.plan.steps[reported.step]?.fuse_into, transition.dispatch);
  const entry = next ? state.inflight[next.id] : undefined;
  if (!next || !entry || entry.attempts + 1 > policy.maxAttempts) return transition;
  startFused(state, entry, context.now, policy);
  return { state, dispatch: transition.dispatch.filter((work) => work !== next), fused: { work: next, leaseMs: policy.leaseMs } };
}

/** The same lease and attempt `startWork` gives, on the transition's own copy. */
function startFused(state: RunState, entry: InflightEntry, now: number, policy: LeasePolicy): void {
  entry.attempts++;
  entry.started_at = now;
  entry.lease_until = now + policy.leaseMs;
  if (entry.work.type !== "process") return;
  const step = state.steps[entry.work.step];
  if (step) step.batches_fused = (step.batches_fused ?? 0) + 1;
}
