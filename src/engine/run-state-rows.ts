import { z } from "zod";
import { bufferedBatchSchema, type BufferedBatch } from "./batch.js";
import { batchManagerStepSchema, type BatchManagerStepState } from "./batch-manager-step.js";
import { runPlanSchema } from "./run-plan.js";
import { inflightSchema, leafRunSchema, runErrorSchema, runStateSchema, type RunState } from "./run-state.js";
import { workItemSchema, type WorkItem } from "./work.js";

/**
 * How a run's state is laid out as storage rows, and which rows a transition changed.
 *
 * Every per-batch record is its own row — a buffered batch (`buffer`), a leaf batch waiting
 * for its Parquet file (`leaf_pending`), an in-flight item (`inflight`) and its work
 * (`work`) — so no stored value grows with the run. Transitions share every record they did
 * not touch with their input (`state-copy.ts`), so the rows to write are found by identity
 * for the per-batch collections and by comparing JSON for the few small rows.
 *
 * Pure: the Durable Object writes the changes, tests check them without Workers.
 */
export const STATE_LAYOUT_VERSION = 2;

export const ROW_KINDS = ["core", "plan", "errors", "manager", "buffer", "leaf_pending", "inflight", "work", "failed"] as const;
export type RowKind = (typeof ROW_KINDS)[number];

/** A row's identity: kind, up to two names and a number (seq_no, order). */
export interface RowKey {
  kind: RowKind;
  name: string;
  part: string;
  seq: number;
}

export interface RowChanges {
  put: Array<{ key: RowKey; value: unknown }>;
  delete: RowKey[];
}

const key = (kind: RowKind, name = "", part = "", seq = 0): RowKey => ({ kind, name, part, seq });

/** Everything of the state but its plan, errors and per-batch collections: new state fields land here by themselves. */
const coreRowSchema = runStateSchema
  .omit({ plan: true, errors: true, batch_managers: true, inflight: true, failed_work: true, leaves: true })
  .extend({ layout_version: z.literal(STATE_LAYOUT_VERSION), leaves: z.record(z.string(), leafRunSchema.omit({ pending: true })) });

const managerRowSchema = batchManagerStepSchema.omit({ data: true });

const leafPendingRowSchema = leafRunSchema.shape.pending.element;
const inflightRowSchema = inflightSchema.omit({ work: true });
const failedRowSchema = z.object({ order: z.number().int().nonnegative() });

function coreRow(state: RunState): z.infer<typeof coreRowSchema> {
  const { plan: _plan, errors: _errors, batch_managers: _managers, inflight: _inflight, failed_work: _failed, leaves, ...core } = state;
  return {
    ...core,
    layout_version: STATE_LAYOUT_VERSION,
    leaves: Object.fromEntries(Object.entries(leaves).map(([name, { pending: _pending, ...leaf }]) => [name, leaf])),
  };
}

function managerRow(manager: BatchManagerStepState): z.infer<typeof managerRowSchema> {
  const { data: _data, ...header } = manager;
  return header;
}

function inflightRow(entry: RunState["inflight"][string]): z.infer<typeof inflightRowSchema> {
  const { work: _work, ...row } = entry;
  return row;
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The rows `next` needs written and deleted, given that `previous` is what storage holds (nothing when undefined). */
export function stateChanges(previous: RunState | undefined, next: RunState): RowChanges {
  const changes: RowChanges = { put: [], delete: [] };
  const put = (k: RowKey, value: unknown) => changes.put.push({ key: k, value });
  const core = coreRow(next);
  if (!previous || !sameJson(coreRow(previous), core)) put(key("core"), core);
  if (!previous || previous.plan !== next.plan) put(key("plan"), next.plan);
  if (!previous || !sameErrors(previous.errors, next.errors)) put(key("errors"), next.errors);

  for (const [step, manager] of Object.entries(next.batch_managers)) {
    const before = previous?.batch_managers[step];
    const header = managerRow(manager);
    if (!before || !sameJson(managerRow(before), header)) put(key("manager", step), header);
    for (const [pred, buffer] of Object.entries(manager.data)) {
      diffBySeq(before?.data[pred] ?? [], buffer, changes, (seq) => key("buffer", step, pred, seq));
    }
  }
  for (const [leaf, run] of Object.entries(next.leaves)) {
    diffBySeq(previous?.leaves[leaf]?.pending ?? [], run.pending, changes, (seq) => key("leaf_pending", leaf, "", seq));
  }

  const keptWork = new Set<string>([...Object.keys(next.inflight), ...next.failed_work.map((w) => w.id)]);
  const previousWork = new Map<string, WorkItem>();
  for (const [id, entry] of Object.entries(previous?.inflight ?? {})) previousWork.set(id, entry.work);
  for (const work of previous?.failed_work ?? []) previousWork.set(work.id, work);
  for (const [id, entry] of Object.entries(next.inflight)) {
    const before = previous?.inflight[id];
    const row = inflightRow(entry);
    if (!before || !sameJson(inflightRow(before), row)) put(key("inflight", id), row);
  }
  for (const id of Object.keys(previous?.inflight ?? {})) if (!next.inflight[id]) changes.delete.push(key("inflight", id));
  const previousFailed = new Map((previous?.failed_work ?? []).map((w, order) => [w.id, order]));
  next.failed_work.forEach((work, order) => {
    if (previousFailed.get(work.id) !== order) put(key("failed", work.id), { order });
  });
  for (const id of previousFailed.keys()) if (!next.failed_work.some((w) => w.id === id)) changes.delete.push(key("failed", id));
  for (const id of keptWork) {
    const work = next.inflight[id]?.work ?? next.failed_work.find((w) => w.id === id);
    if (work && previousWork.get(id) !== work && !(previousWork.has(id) && sameJson(previousWork.get(id), work))) put(key("work", id), work);
  }
  for (const id of previousWork.keys()) if (!keptWork.has(id)) changes.delete.push(key("work", id));
  return changes;
}

/** Errors are only appended (and the oldest dropped), each entry never changed. */
function sameErrors(a: RunState["errors"], b: RunState["errors"]): boolean {
  return a.length === b.length && a.at(-1) === b.at(-1) && a[0] === b[0];
}

/**
 * Both lists are sorted by seq_no and share unchanged entries: one walk finds the entries
 * added or changed (not the same object) and those gone.
 */
function diffBySeq<T extends { seq_no: number }>(before: readonly T[], after: readonly T[], changes: RowChanges, keyOf: (seq: number) => RowKey): void {
  if (before === after) return;
  // The common case, a buffer that only grew: its prefix is the same objects.
  let same = 0;
  const shorter = Math.min(before.length, after.length);
  while (same < shorter && before[same] === after[same]) same++;
  if (same === before.length) {
    for (let k = same; k < after.length; k++) changes.put.push({ key: keyOf((after[k] as T).seq_no), value: after[k] });
    return;
  }
  let i = 0;
  let j = 0;
  while (i < before.length || j < after.length) {
    const a = before[i];
    const b = after[j];
    const sa = a?.seq_no ?? Number.POSITIVE_INFINITY;
    const sb = b?.seq_no ?? Number.POSITIVE_INFINITY;
    if (sa < sb) {
      changes.delete.push(keyOf(sa));
      i++;
    } else if (sb < sa) {
      changes.put.push({ key: keyOf(sb), value: b });
      j++;
    } else {
      if (a !== b) changes.put.push({ key: keyOf(sb), value: b });
      i++;
      j++;
    }
  }
}

/** Rows read back from storage: each value already parsed from JSON. */
export interface StoredRow extends RowKey {
  value: unknown;
}

/**
 * Rebuilds the state from its rows, each through its schema: a row of another layout version
 * or shape fails loudly instead of being trusted by a cast. `work` rows hold the work item.
 */
export function stateFromRows(rows: Iterable<StoredRow>): RunState | undefined {
  const byKind = new Map<RowKind, StoredRow[]>();
  for (const row of rows) {
    const list = byKind.get(row.kind) ?? [];
    list.push(row);
    byKind.set(row.kind, list);
  }
  const coreValue = byKind.get("core")?.[0]?.value;
  if (coreValue === undefined) return undefined;
  const core = coreRowSchema.parse(coreValue);
  const plan = runPlanSchema.parse(byKind.get("plan")?.[0]?.value);
  const errors = z.array(runErrorSchema).parse(byKind.get("errors")?.[0]?.value ?? []);
  const works = new Map<string, WorkItem>();
  for (const row of byKind.get("work") ?? []) works.set(row.name, workItemSchema.parse(row.value));
  const workOf = (id: string): WorkItem => {
    const work = works.get(id);
    if (!work) throw new Error(`Stored run state is missing the work item '${id}'`);
    return work;
  };

  const managers: Record<string, BatchManagerStepState> = {};
  for (const row of byKind.get("manager") ?? []) {
    const header = managerRowSchema.parse(row.value);
    managers[row.name] = { ...header, data: Object.fromEntries(header.predecessors.map((p) => [p, [] as BufferedBatch[]])) };
  }
  for (const row of byKind.get("buffer") ?? []) managers[row.name]?.data[row.part]?.push(bufferedBatchSchema.parse(row.value));
  for (const manager of Object.values(managers)) for (const buffer of Object.values(manager.data)) buffer.sort((a, b) => a.seq_no - b.seq_no);

  const leaves: RunState["leaves"] = Object.fromEntries(Object.entries(core.leaves).map(([name, leaf]) => [name, { ...leaf, pending: [] }]));
  for (const row of byKind.get("leaf_pending") ?? []) leaves[row.name]?.pending.push(leafPendingRowSchema.parse(row.value));
  for (const leaf of Object.values(leaves)) leaf.pending.sort((a, b) => a.seq_no - b.seq_no);

  const inflight: RunState["inflight"] = {};
  for (const row of byKind.get("inflight") ?? []) inflight[row.name] = { ...inflightRowSchema.parse(row.value), work: workOf(row.name) };
  const failed = (byKind.get("failed") ?? []).map((row) => ({ id: row.name, order: failedRowSchema.parse(row.value).order }));
  failed.sort((a, b) => a.order - b.order);

  const { layout_version: _layout, ...rest } = core;
  return { ...rest, plan, batch_managers: managers, inflight, failed_work: failed.map((f) => workOf(f.id)), leaves, errors };
}
