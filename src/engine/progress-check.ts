import type { BatchManagerStepState } from "./batch-manager-step.js";
import type { RunState } from "./run-state.js";

/** An unfinished step of a run that cannot progress: what it waits for and what it holds. */
export interface StalledStep {
  step: string;
  waits_for: string;
  holds: string;
}

/**
 * Whether a running run can still progress after a transition: something is in flight (its
 * report may unblock the rest), or nothing is left to do. Called after the engine dispatched
 * everything it could, so "nothing in flight" means nothing can ever be built again: each
 * unfinished step is returned with why. Pure, over the plain state.
 */
export function stalledSteps(state: RunState): StalledStep[] | null {
  if (state.status !== "running" || Object.keys(state.inflight).length > 0 || state.finalize !== "pending") return null;
  const unfinished = state.plan.order.filter((name) => !state.steps[name]?.done);
  const leavesPending = Object.values(state.leaves).some((leaf) => leaf.pending.length > 0 || leaf.writing > 0);
  // Every step done and nothing left to write: the finalizer is about to be (or was) sent.
  if (unfinished.length === 0 && !leavesPending) return null;
  return unfinished.map((name) => describeStep(state, name));
}

/** The run's error for `stalled`: names every unfinished step, what it waits for and holds. */
export function stallMessage(stalled: readonly StalledStep[]): string {
  const steps = stalled.map((s) => `'${s.step}' waits for ${s.waits_for} and holds ${s.holds}`);
  return `The run cannot progress: nothing is in flight and no batch can be built. Unfinished steps: ${steps.join("; ")}`;
}

function describeStep(state: RunState, name: string): StalledStep {
  const plan = state.plan.steps[name];
  const step = state.steps[name];
  if (plan && plan.stage > state.stage.current) {
    const lastSteps = state.plan.stage_last_steps[state.stage.current] ?? [];
    const open = lastSteps.filter((s) => !state.steps[s]?.done);
    return { step: name, waits_for: `stage ${state.stage.current} to finish (${quoteList(open)} not done)`, holds: "nothing (stage not started)" };
  }
  if (!plan || plan.kind === "generator") {
    return {
      step: name,
      waits_for: "a successor to ask for its next batch",
      holds: `${step?.next_offset ?? 0} row(s) generated in ${step?.next_seq_no ?? 0} batch(es)`,
    };
  }
  const manager = state.batch_managers[name];
  if (!manager) return { step: name, waits_for: "its batch manager (missing from the state)", holds: "nothing" };
  return { step: name, waits_for: waitsFor(manager), holds: holds(manager) };
}

function waitsFor(manager: BatchManagerStepState): string {
  const open = manager.predecessors.filter((p) => !manager.last_batch_received.includes(p));
  const parts: string[] = [];
  for (const pred of open) {
    // The batch after the last one buffered: a partly consumed batch is not what it waits for.
    const [expected] = manager.next_expected_seq_no[pred] ?? [0, 0];
    const next = Math.max(expected, (manager.data[pred]?.at(-1)?.seq_no ?? -1) + 1);
    parts.push(`batch ${next} of '${pred}'`);
  }
  if (manager.convergence_step) parts.push(`the routed batches of upstream batch ${manager.next_expected_created_from_batch_seq_no}`);
  else if (manager.accumulate) parts.push(`the last batch of ${quoteList(open)}`);
  else if (manager.input_batch_size !== null) parts.push(`${manager.input_batch_size} row(s) per predecessor`);
  return parts.length > 0 ? parts.join(", ") : "nothing (every predecessor finished)";
}

function holds(manager: BatchManagerStepState): string {
  const parts = manager.predecessors.map((pred) => {
    const buffer = manager.data[pred] ?? [];
    const rows = buffer.reduce((sum, b) => sum + (b.size - b.consumed), 0);
    const seqNos = buffer.map((b) => b.seq_no);
    return `${rows} row(s) from '${pred}'${seqNos.length > 0 ? ` (batches ${seqNos.join(", ")})` : ""}`;
  });
  return parts.join(", ");
}

function quoteList(names: readonly string[]): string {
  return names.length > 0 ? names.map((n) => `'${n}'`).join(", ") : "none";
}
