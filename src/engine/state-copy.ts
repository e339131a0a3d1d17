import type { BatchManagerStepState } from "./batch-manager-step.js";
import type { RunState } from "./run-state.js";

/**
 * The copy a transition works on: containers are new, but what the engine never modifies in
 * place is shared with the input — the plan, the batch managers' buffers (the batch manager
 * replaces a buffer instead of changing it, and copies its batches before consuming rows),
 * work items, pending outputs, recorded errors.
 *
 * Sharing keeps a transition's cost proportional to what it touches, not to the state: a
 * global step buffers one entry per upstream batch, and a JSON round trip of 50,000 of them on
 * every report made a run quadratic. It also lets the run's Durable Object find the rows that
 * changed by identity (see `state-rows.ts`). The input state is still never modified.
 */
export function copyRunState(state: RunState): RunState {
  return {
    ...state,
    steps: mapValues(state.steps, (step) => ({ ...step, pending_outputs: [...step.pending_outputs] })),
    batch_managers: mapValues(state.batch_managers, copyBatchManager),
    stage: { current: state.stage.current, last_batch: state.stage.last_batch.map((steps) => [...steps]) },
    inflight: mapValues(state.inflight, (entry) => ({ ...entry })),
    failed_work: [...state.failed_work],
    leaves: mapValues(state.leaves, (leaf) => ({ ...leaf, pending: [...leaf.pending], files: [...leaf.files], columns: [...leaf.columns] })),
    errors: [...state.errors],
    error: state.error ? { ...state.error } : null,
    work_timing: { ...state.work_timing },
  };
}

export function copyBatchManager(manager: BatchManagerStepState): BatchManagerStepState {
  return {
    ...manager,
    predecessors: [...manager.predecessors],
    // Buffer arrays are shared too: batch building only ever assigns new ones.
    data: { ...manager.data },
    last_batch_received: [...manager.last_batch_received],
    next_expected_seq_no: mapValues(manager.next_expected_seq_no, ([next, candidate]) => [next, candidate] as [number, number]),
  };
}

function mapValues<T, U>(record: Record<string, T>, fn: (value: T) => U): Record<string, U> {
  const out: Record<string, U> = {};
  for (const key of Object.keys(record)) out[key] = fn(record[key] as T);
  return out;
}
