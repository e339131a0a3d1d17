import { z } from "zod";
import { bufferedBatchSchema, type BatchSlice, type BufferedBatch, type CreatedFrom, type InputBatch } from "./batch.js";

/**
 * The input side of one step (distilabel's `_BatchManagerStep`): a buffer per predecessor,
 * ordered by `seq_no`, from which batches of `input_batch_size` rows are built. Plain JSON, so
 * it can be stored after every transition and loaded back.
 */
export const batchManagerStepSchema = z.object({
  step: z.string(),
  /** Global steps: one batch with every row once all predecessors have finished. */
  accumulate: z.boolean(),
  input_batch_size: z.number().int().positive().nullable(),
  /** All predecessors receive routed batches: re-join them by the upstream batch they came from. */
  convergence_step: z.boolean(),
  /** Predecessor order: the order of input lists handed to `process`. */
  predecessors: z.array(z.string()),
  data: z.record(z.string(), z.array(bufferedBatchSchema)),
  seq_no: z.number().int().nonnegative(),
  last_batch_received: z.array(z.string()),
  /** Whether the batch flagged last has been built (no more batches after it). */
  last_batch_built: z.boolean(),
  next_expected_created_from_batch_seq_no: z.number().int().nonnegative(),
  /** Per predecessor: [next seq_no to consume, candidate set by routing skips]. */
  next_expected_seq_no: z.record(z.string(), z.tuple([z.number().int(), z.number().int()])),
});
export type BatchManagerStepState = z.infer<typeof batchManagerStepSchema>;

export function createBatchManagerStep(options: {
  step: string;
  predecessors: string[];
  accumulate: boolean;
  inputBatchSize: number | null;
  convergenceStep: boolean;
}): BatchManagerStepState {
  const { step, predecessors, accumulate } = options;
  const header = { step, accumulate, input_batch_size: options.inputBatchSize, convergence_step: options.convergenceStep, predecessors: [...predecessors] };
  const data = Object.fromEntries(predecessors.map((p) => [p, []]));
  const nextExpected = Object.fromEntries(predecessors.map((p) => [p, [0, 0] as [number, number]]));
  const progress = { seq_no: 0, last_batch_received: [], last_batch_built: false, next_expected_created_from_batch_seq_no: 0 };
  return { ...header, data, ...progress, next_expected_seq_no: nextExpected };
}

const remaining = (batch: BufferedBatch): number => batch.size - batch.consumed;
const buffered = (batches: readonly BufferedBatch[]): number => batches.reduce((sum, b) => sum + remaining(b), 0);

/** Adds an output batch of a predecessor; the buffer stays sorted by `seq_no` whatever the arrival order. */
export function addBatch(state: BatchManagerStepState, batch: BufferedBatch): void {
  const buffer = state.data[batch.step];
  if (!buffer) throw new Error(`Step '${state.step}' has no predecessor '${batch.step}'`);
  // Outputs arrive in seq order (the engine applies them so): appending needs no scan, which
  // keeps a global step's buffer of thousands of batches linear to fill.
  const appends = buffer.length === 0 || (buffer[buffer.length - 1] as BufferedBatch).seq_no < batch.seq_no;
  if (!appends && buffer.some((b) => b.seq_no === batch.seq_no)) return;
  if (batch.last_batch && !state.last_batch_received.includes(batch.step)) state.last_batch_received.push(batch.step);
  // A routed step's empty last batch (it was skipped for the final upstream batch) belongs to no
  // upstream group: a convergence step only needs to know that step has finished.
  if (state.convergence_step && batch.size === 0 && Object.keys(batch.created_from).length === 0) return;
  // A new array, never a push: buffers are shared with the previous state (state-copy.ts).
  const added = buffer.concat([{ ...batch, created_from: cloneCreatedFrom(batch.created_from), batch_routed_to: [...batch.batch_routed_to] }]);
  state.data[batch.step] = appends ? added : added.sort((a, b) => a.seq_no - b.seq_no);
}

/**
 * Builds the next batch for the step if there is enough data (or returns null). Semantics of
 * distilabel's `get_batch`: normal steps take up to `input_batch_size` rows from every
 * predecessor, global steps take everything once all finished, convergence steps re-join routed
 * batches in upstream order.
 */
export function getBatch(state: BatchManagerStepState): InputBatch | null {
  if (state.last_batch_built) return null;
  if (!readyToCreateBatch(state)) return emptyLastBatch(state);
  // Buffered batches are shared with the previous state (state-copy.ts): copy before consuming rows.
  for (const p of state.predecessors) state.data[p] = (state.data[p] ?? []).map((b) => ({ ...b }));
  const lastBatch = isLastBatch(state);
  const taken = state.accumulate ? takeAccumulated(state) : state.convergence_step ? takeConvergence(state) : takeNormal(state);
  const batch: InputBatch = { step: state.step, seq_no: state.seq_no++, last_batch: lastBatch, accumulated: state.accumulate, ...taken };
  if (lastBatch) state.last_batch_built = true;
  return batch;
}

/**
 * distilabel stalls when every predecessor has finished but no rows are left (an empty last
 * batch upstream, a filter that kept nothing): nothing is ever built and the run hangs. We
 * build an empty last batch instead, so termination propagates downstream.
 */
function emptyLastBatch(state: BatchManagerStepState): InputBatch | null {
  if (state.accumulate) return null;
  if (state.convergence_step) {
    // Every routed step finished and every group was taken: nothing more can come.
    currentGroup(state);
    if (!allPredecessorsFinished(state) || groupByCreatedFrom(state).length > 0) return null;
  } else {
    const allFinished = state.predecessors.every((p) => finished(state, p));
    const nothingLeft = state.predecessors.every((p) => buffered(state.data[p] ?? []) === 0);
    if (!allFinished || !nothingLeft) return null;
  }
  for (const p of state.predecessors) state.data[p] = [];
  state.last_batch_built = true;
  const data = state.predecessors.map((from) => ({ from, slices: [] }));
  return { step: state.step, seq_no: state.seq_no++, last_batch: true, accumulated: false, data, created_from: {}, batch_routed_to: [] };
}

/** The predecessors whose buffers need data (distilabel's `empty_buffers`); only generators can be asked for more. */
export function emptyBuffers(state: BatchManagerStepState): string[] {
  if (state.accumulate) return state.predecessors.filter((p) => !state.last_batch_received.includes(p));
  const size = state.input_batch_size ?? 0;
  return state.predecessors.filter((p) => !state.last_batch_received.includes(p) && buffered(state.data[p] ?? []) < size);
}

/**
 * A successor that did not receive a routed batch must not wait for it: the next batch from
 * `from` it can expect is `next` (distilabel's `set_next_expected_seq_no`).
 */
export function setNextExpectedSeqNo(state: BatchManagerStepState, from: string, next: number): void {
  const buffer = state.data[from] ?? [];
  const current = state.next_expected_seq_no[from] ?? [0, 0];
  const head = buffer[0];
  if (!head || head.seq_no >= next) state.next_expected_seq_no[from] = [next, next];
  else state.next_expected_seq_no[from] = [current[0], next];
}

function readyToCreateBatch(state: BatchManagerStepState): boolean {
  if (state.accumulate) return state.predecessors.every((p) => state.last_batch_received.includes(p));
  if (state.convergence_step) return readyConvergence(state);
  return readyNormal(state);
}

/**
 * Rows of `pred` that can be handed out in seq order: buffered batches are walked from the next
 * expected seq_no, and a gap is only crossed when the routing function sent those seq_nos
 * elsewhere (they are below the candidate set by `setNextExpectedSeqNo`). `complete` says the
 * walk reached the end of the buffer, i.e. no batch before a buffered one is still missing.
 */
function consecutiveRows(state: BatchManagerStepState, pred: string): { rows: number; complete: boolean } {
  const [start, candidate] = state.next_expected_seq_no[pred] ?? [0, 0];
  let expected = start;
  let rows = 0;
  for (const batch of state.data[pred] ?? []) {
    if (batch.seq_no > expected && batch.seq_no <= candidate) expected = batch.seq_no;
    if (batch.seq_no !== expected) return { rows, complete: false };
    rows += remaining(batch);
    expected++;
  }
  return { rows, complete: true };
}

/** The predecessor sent its last batch and every batch before it has arrived. */
function finished(state: BatchManagerStepState, pred: string): boolean {
  return state.last_batch_received.includes(pred) && consecutiveRows(state, pred).complete;
}

function readyNormal(state: BatchManagerStepState): boolean {
  const size = state.input_batch_size ?? 0;
  // A predecessor that finished and ran dry never blocks the others: the rest are handed out
  // without it. distilabel stops building there, and a longer generator beside a shorter one
  // is then never asked for more (its buffer is full) while the step waits: a hang.
  const anyLeft = state.predecessors.some((p) => buffered(state.data[p] ?? []) > 0);
  for (const pred of state.predecessors) {
    // Only consecutive seq_nos count: rows must be handed out in order even when batches arrive out of order.
    const { rows } = consecutiveRows(state, pred);
    const done = finished(state, pred);
    if (rows === 0 && done) {
      if (anyLeft) continue;
      return false;
    }
    if (rows < size && !done) return false;
  }
  return true;
}

function isLastBatch(state: BatchManagerStepState): boolean {
  if (state.accumulate) return state.predecessors.every((p) => state.last_batch_received.includes(p));
  if (state.convergence_step) return lastConvergence(state);
  const size = state.input_batch_size ?? Number.POSITIVE_INFINITY;
  return state.predecessors.every((p) => finished(state, p) && buffered(state.data[p] ?? []) <= size);
}

function takeRows(batch: BufferedBatch, wanted: number): BatchSlice {
  const count = Math.min(wanted, remaining(batch));
  const slice = { seq_no: batch.seq_no, start: batch.consumed, end: batch.consumed + count };
  batch.consumed += count;
  return slice;
}

/** The rows a built batch takes from the buffers, and where they came from. */
type Taken = Pick<InputBatch, "data" | "created_from" | "batch_routed_to">;

function takeNormal(state: BatchManagerStepState): Taken {
  const size = state.input_batch_size ?? Number.POSITIVE_INFINITY;
  const data: InputBatch["data"] = [];
  const createdFrom: CreatedFrom = {};
  let routedTo: string[] = [];
  for (const pred of state.predecessors) {
    const buffer = state.data[pred] ?? [];
    const slices: BatchSlice[] = [];
    let wanted = size;
    let nextExpected: number | undefined;
    let reached = -1;
    for (const batch of buffer) {
      if (wanted === 0) break;
      reached++;
      const slice = takeRows(batch, wanted);
      wanted -= slice.end - slice.start;
      // An empty batch (a routed last batch this step was skipped for) says nothing of where the rows went.
      if (slice.end > slice.start) {
        slices.push(slice);
        routedTo = [...batch.batch_routed_to];
      }
      (createdFrom[pred] ??= []).push([batch.seq_no, batch.size, slice.end - slice.start]);
      nextExpected = batch.seq_no;
      if (remaining(batch) === 0) nextExpected = batch.seq_no + 1;
    }
    // Only batches this build reached are dropped: an empty batch further on still marks its seq_no.
    state.data[pred] = buffer.filter((b, i) => i > reached || remaining(b) > 0);
    const [expected, candidate] = state.next_expected_seq_no[pred] ?? [0, 0];
    const head = state.data[pred]?.[0];
    let next = nextExpected ?? expected;
    // Jump over the seq_nos routed elsewhere once nothing buffered comes before them.
    if (next < candidate && (!head || head.seq_no >= candidate)) next = candidate;
    state.next_expected_seq_no[pred] = [next, Math.max(next, candidate)];
    data.push({ from: pred, slices });
  }
  return { data, created_from: createdFrom, batch_routed_to: routedTo };
}

function takeAccumulated(state: BatchManagerStepState): Taken {
  const data: InputBatch["data"] = [];
  const createdFrom: CreatedFrom = {};
  for (const pred of state.predecessors) {
    const buffer = state.data[pred] ?? [];
    createdFrom[pred] = buffer.map((b) => [b.seq_no, b.size, remaining(b)] as [number, number, number]);
    data.push({ from: pred, slices: buffer.filter((b) => remaining(b) > 0).map((b) => takeRows(b, remaining(b))) });
    state.data[pred] = [];
  }
  return { data, created_from: createdFrom, batch_routed_to: [] };
}

interface Group {
  upstreamSeqNo: number;
  upstreamSize: number;
  batches: BufferedBatch[];
}

/**
 * Buffered batches grouped by the upstream batch they were routed from (first `created_from`
 * entry). Convergence buffers keep consumed batches until their group is done, because the
 * rows they covered tell when a routed step has delivered the whole upstream batch.
 */
function groupByCreatedFrom(state: BatchManagerStepState): Group[] {
  const groups = new Map<number, Group>();
  for (const pred of state.predecessors) {
    for (const batch of state.data[pred] ?? []) {
      const first = Object.values(batch.created_from)[0]?.[0];
      const upstreamSeqNo = first?.[0] ?? batch.seq_no;
      const upstreamSize = first?.[1] ?? batch.size;
      const group = groups.get(upstreamSeqNo) ?? { upstreamSeqNo, upstreamSize, batches: [] };
      group.batches.push(batch);
      groups.set(upstreamSeqNo, group);
    }
  }
  return [...groups.values()].sort((a, b) => a.upstreamSeqNo - b.upstreamSeqNo);
}

/**
 * Whether `step` has delivered every row of the group's upstream batch. Counted by rows used
 * (`created_from`), not rows produced, so a step that changes row counts (generations, filters)
 * still completes its group; distilabel counts produced rows and stalls on those.
 */
function groupComplete(state: BatchManagerStepState, group: Group, step: string): boolean {
  if (state.last_batch_received.includes(step)) return true;
  const used = group.batches.filter((b) => b.step === step).reduce((sum, b) => sum + (Object.values(b.created_from)[0]?.[0]?.[2] ?? b.size), 0);
  return used >= group.upstreamSize;
}

function rowsLeft(group: Group, step: string): number {
  return group.batches.filter((b) => b.step === step).reduce((sum, b) => sum + remaining(b), 0);
}

/**
 * Drops finished groups (everything delivered and taken) and returns the current one. Once
 * every routed step has finished, nothing more can arrive: an upstream batch no buffered batch
 * names (a filter emptied it before routing, so its routed step never built a batch from it)
 * is skipped instead of waited for.
 */
function currentGroup(state: BatchManagerStepState): Group | undefined {
  for (;;) {
    const group = groupByCreatedFrom(state)[0];
    if (group && group.upstreamSeqNo > state.next_expected_created_from_batch_seq_no && allPredecessorsFinished(state)) {
      state.next_expected_created_from_batch_seq_no = group.upstreamSeqNo;
    }
    if (!group || group.upstreamSeqNo !== state.next_expected_created_from_batch_seq_no) return undefined;
    const routedTo = group.batches[0]?.batch_routed_to ?? [];
    const done = routedTo.every((s) => groupComplete(state, group, s) && rowsLeft(group, s) === 0);
    if (!done) return group;
    const members = new Set(group.batches);
    for (const pred of state.predecessors) state.data[pred] = (state.data[pred] ?? []).filter((b) => !members.has(b));
    state.next_expected_created_from_batch_seq_no++;
  }
}

function readyConvergence(state: BatchManagerStepState): boolean {
  const group = currentGroup(state);
  if (!group) return false;
  const routedTo = group.batches[0]?.batch_routed_to ?? [];
  const size = state.input_batch_size ?? 0;
  let rows = 0;
  for (const step of routedTo) {
    const left = rowsLeft(group, step);
    rows += left;
    if (left < size && !groupComplete(state, group, step)) return false;
  }
  return rows > 0;
}

/**
 * Each predecessor's outputs reach the step in seq order, so once all of them have sent their
 * last batch every group has arrived. Routed steps all finish: those skipped for the final
 * upstream batch get an empty last batch. (A step finishing is not enough on its own: one that
 * only took part in earlier groups may finish before the final group arrives.)
 */
function allPredecessorsFinished(state: BatchManagerStepState): boolean {
  return state.predecessors.every((p) => state.last_batch_received.includes(p));
}

function lastConvergence(state: BatchManagerStepState): boolean {
  const groups = groupByCreatedFrom(state);
  const group = groups[0];
  if (!group || groups.length > 1 || !allPredecessorsFinished(state)) return false;
  const routedTo = group.batches[0]?.batch_routed_to ?? [];
  const size = state.input_batch_size ?? Number.POSITIVE_INFINITY;
  return routedTo.every((s) => rowsLeft(group, s) <= size);
}

function takeConvergence(state: BatchManagerStepState): Taken {
  const group = currentGroup(state) as Group;
  const size = state.input_batch_size ?? Number.POSITIVE_INFINITY;
  const routedTo = group.batches[0]?.batch_routed_to ?? [];
  const data: InputBatch["data"] = [];
  const createdFrom: CreatedFrom = {};
  for (const step of state.predecessors.filter((p) => routedTo.includes(p))) {
    let wanted = size;
    const slices: BatchSlice[] = [];
    for (const batch of group.batches.filter((b) => b.step === step && remaining(b) > 0)) {
      if (wanted === 0) break;
      const slice = takeRows(batch, wanted);
      wanted -= slice.end - slice.start;
      slices.push(slice);
      (createdFrom[step] ??= []).push([batch.seq_no, batch.size, slice.end - slice.start]);
    }
    data.push({ from: step, slices });
  }
  currentGroup(state);
  return { data, created_from: createdFrom, batch_routed_to: [] };
}

function cloneCreatedFrom(createdFrom: CreatedFrom): CreatedFrom {
  return Object.fromEntries(Object.entries(createdFrom).map(([k, v]) => [k, v.map((t) => [...t] as [number, number, number])]));
}
