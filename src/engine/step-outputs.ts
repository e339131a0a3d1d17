import { seededRandom } from "../core/random.js";
import { addBatch, setNextExpectedSeqNo } from "./batch-manager-step.js";
import type { EngineContext } from "./run-engine.js";
import type { PendingOutput, RunState } from "./run-state.js";

/**
 * How a step's outputs flow on: in seq order to its successors' buffers (through its routing
 * function, if any) and to its leaf's Parquet writes, and when the last one is applied the step is done.
 */

/** Applies a step's outputs strictly in seq order, so downstream sees them as distilabel's single process would. */
export function applyOutputsInOrder(state: RunState, stepName: string, context: EngineContext): string | undefined {
  const step = state.steps[stepName];
  if (!step) return undefined;
  while (step.pending_outputs[0]?.seq_no === step.next_output_seq_no) {
    const output = step.pending_outputs.shift() as PendingOutput;
    step.next_output_seq_no++;
    const error = applyOutput(state, stepName, output, context);
    if (error) return error;
  }
  return undefined;
}

function applyOutput(state: RunState, stepName: string, output: PendingOutput, context: EngineContext): string | undefined {
  const plan = state.plan.steps[stepName];
  if (!plan) return undefined;
  if (plan.leaf) state.leaves[stepName]?.pending.push({ seq_no: output.seq_no, rows: output.num_rows, bytes: output.bytes });

  let routeTo = plan.successors;
  let routedTo = output.batch_routed_to;
  if (plan.routing && plan.successors.length > 0) {
    const choose = context.routing(plan.routing.type_name, plan.routing.kwargs);
    const random = seededRandom(`${plan.routing_seed ?? state.plan.seed}:${stepName}:${output.seq_no}`);
    const chosen = [...new Set(choose([...plan.successors], { step: stepName, seqNo: output.seq_no, random }))];
    const unknown = chosen.filter((s) => !plan.successors.includes(s));
    if (chosen.length === 0 || unknown.length > 0) {
      return `routing batch function '${plan.routing.type_name}' returned ${JSON.stringify(chosen)} for batch ${output.seq_no}; it must return a non-empty subset of ${JSON.stringify(plan.successors)}`;
    }
    routeTo = plan.successors.filter((s) => chosen.includes(s));
    routedTo = routeTo;
    for (const skipped of plan.successors.filter((s) => !chosen.includes(s))) {
      const manager = reusedStep(state, skipped) ? undefined : state.batch_managers[skipped];
      if (!manager) continue;
      // A successor skipped for the final batch must still learn that this step finished, or it
      // waits forever (a routed leaf would never end the run): it gets an empty last batch.
      if (output.last_batch) {
        addBatch(manager, { step: stepName, seq_no: output.seq_no, size: 0, consumed: 0, last_batch: true, created_from: {}, batch_routed_to: [] });
      } else {
        setNextExpectedSeqNo(manager, stepName, output.seq_no + 1);
      }
    }
  }
  const { seq_no, num_rows, last_batch, created_from } = output;
  for (const successor of routeTo) {
    // A reused successor is done from the start and never reads its inputs.
    const manager = reusedStep(state, successor) ? undefined : state.batch_managers[successor];
    if (!manager) continue;
    addBatch(manager, { step: stepName, seq_no, size: num_rows, consumed: 0, last_batch, created_from, batch_routed_to: routedTo });
  }
  if (output.last_batch) markDone(state, stepName);
  return undefined;
}

function reusedStep(state: RunState, stepName: string): boolean {
  return state.plan.steps[stepName]?.reused_from !== undefined;
}

export function markDone(state: RunState, stepName: string): void {
  const step = state.steps[stepName];
  if (!step || step.done) return;
  step.done = true;
  const stage = state.plan.steps[stepName]?.stage ?? 0;
  if (state.plan.stage_last_steps[stage]?.includes(stepName)) state.stage.last_batch[stage]?.push(stepName);
  // A successor that sent its last batch needs nothing more from its predecessors: steps that a
  // routing function never sent the final batch to would otherwise wait forever.
  for (const pred of state.plan.steps[stepName]?.predecessors ?? []) {
    const p = state.steps[pred];
    if (p && !p.done) {
      p.done = true;
      p.flagged = true;
    }
  }
}
