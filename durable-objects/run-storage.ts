import { z } from "zod";
import { DistilflareError } from "../src/errors.js";
import { ROW_KINDS, type RowChanges, type StoredRow } from "../src/engine/run-state-rows.js";
import { decodeRunValue, type RunValue, type RunValueKind } from "../src/runtime/run-object-values.js";
import { runKeys } from "../src/runtime/run-keys.js";

/** Work items larger than this are kept in R2; their row holds the key. */
export const MAX_INLINE_WORK_BYTES = 4_096;
/** No stored value may exceed this (a Durable Object value may be 2 MB; we stay far below). */
export const MAX_STORED_VALUE_BYTES = 128 * 1024;

/** What a work row holds once its item moved to R2. */
const spilledWorkSchema = z.object({ r2_key: z.string() }).strict();
type SpilledWork = z.infer<typeof spilledWorkSchema>;
const rowKindSchema = z.enum(ROW_KINDS);

/** Changes that touch no state row: a write of the object's own values alone. */
export const NO_ROW_CHANGES: RowChanges = { put: [], delete: [] };

/**
 * The run object's SQLite tables: `run_rows` holds the engine state one record per row (see
 * `src/engine/run-state-rows.ts`), `run_kv` the object's own small values (meta, outboxes, the
 * Hub push; `src/runtime/run-object-values.ts`), each read back through its zod schema.
 * Writes are synchronous and atomic (one `transactionSync`), so the caller changes its
 * in-memory state only after they succeeded.
 */
export class RunStorage {
  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly bucket: R2Bucket,
  ) {
    const sql = storage.sql;
    sql.exec(
      "CREATE TABLE IF NOT EXISTS run_rows (kind TEXT NOT NULL, name TEXT NOT NULL, part TEXT NOT NULL, seq INTEGER NOT NULL, value TEXT NOT NULL, PRIMARY KEY (kind, name, part, seq))",
    );
    sql.exec("CREATE TABLE IF NOT EXISTS run_kv (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  }

  /** Whether some work of `changes` must go to R2 first (`spill`), which needs an await. */
  needsSpill(changes: RowChanges): boolean {
    return changes.put.some(({ key, value }) => key.kind === "work" && JSON.stringify(value).length > MAX_INLINE_WORK_BYTES);
  }

  /** Puts large work items in R2 and replaces them in `changes` by their key. Returns the ids moved. */
  async spill(runId: string, changes: RowChanges): Promise<string[]> {
    const moved: string[] = [];
    for (const change of changes.put) {
      if (change.key.kind !== "work") continue;
      const json = JSON.stringify(change.value);
      if (json.length <= MAX_INLINE_WORK_BYTES) continue;
      const r2Key = runKeys.work(runId, change.key.name);
      await this.bucket.put(r2Key, json, { httpMetadata: { contentType: "application/json" } });
      change.value = { r2_key: r2Key } satisfies SpilledWork;
      moved.push(change.key.name);
    }
    return moved;
  }

  /** Writes state changes and small values in one transaction; throws (writing nothing) when a value is too large. */
  write(changes: RowChanges, kv: Record<string, string | null> = {}): void {
    const encoded = changes.put.map(({ key, value }) => {
      const json = JSON.stringify(value);
      if (json.length > MAX_STORED_VALUE_BYTES) throw tooLarge(`the ${key.kind} row of '${key.name || "the run"}'`, json.length);
      return { key, json };
    });
    for (const [key, value] of Object.entries(kv)) if (value !== null && value.length > MAX_STORED_VALUE_BYTES) throw tooLarge(`'${key}'`, value.length);
    this.storage.transactionSync(() => {
      const sql = this.storage.sql;
      for (const { key, json } of encoded) {
        sql.exec("INSERT OR REPLACE INTO run_rows (kind, name, part, seq, value) VALUES (?, ?, ?, ?, ?)", key.kind, key.name, key.part, key.seq, json);
      }
      for (const key of changes.delete)
        sql.exec("DELETE FROM run_rows WHERE kind = ? AND name = ? AND part = ? AND seq = ?", key.kind, key.name, key.part, key.seq);
      for (const [key, value] of Object.entries(kv)) {
        if (value === null) sql.exec("DELETE FROM run_kv WHERE key = ?", key);
        else sql.exec("INSERT OR REPLACE INTO run_kv (key, value) VALUES (?, ?)", key, value);
      }
    });
  }

  /** The value stored under `key`, parsed as a `kind`. */
  readValue<K extends RunValueKind>(kind: K, key: string): RunValue<K> | undefined {
    const json = this.storage.sql.exec<{ value: string }>("SELECT value FROM run_kv WHERE key = ?", key).toArray()[0]?.value;
    return json === undefined ? undefined : decodeRunValue(kind, json);
  }

  /** Values earlier builds kept in the storage API's own key-value store instead of `run_kv`, by key (absent: not there). */
  async readEarlierValues(keys: string[]): Promise<Map<string, unknown>> {
    return this.storage.get(keys);
  }

  async deleteEarlierValues(keys: string[]): Promise<void> {
    await this.storage.delete(keys);
  }

  /** Every value whose key starts with `prefix`, in key order, parsed as a `kind`. */
  listValues<K extends RunValueKind>(kind: K, prefix: string): Array<{ key: string; value: RunValue<K> }> {
    return this.storage.sql
      .exec<{ key: string; value: string }>("SELECT key, value FROM run_kv WHERE key >= ? AND key < ? ORDER BY key", prefix, `${prefix}\uffff`)
      .toArray()
      .map(({ key, value }) => ({ key, value: decodeRunValue(kind, value) }));
  }

  /** Every state row, work items read back from R2 where they were moved; `spilled` gets their ids. */
  async readRows(spilled: Set<string>): Promise<StoredRow[]> {
    const rows: StoredRow[] = [];
    const cursor = this.storage.sql.exec<{ kind: string; name: string; part: string; seq: number; value: string }>(
      "SELECT kind, name, part, seq, value FROM run_rows",
    );
    for (const row of cursor) {
      const kind = rowKindSchema.safeParse(row.kind);
      if (!kind.success) throw new DistilflareError("storage_failed", `Unknown stored row kind '${row.kind}'`);
      let value: unknown = JSON.parse(row.value);
      const moved = kind.data === "work" ? spilledWorkSchema.safeParse(value) : undefined;
      if (moved?.success) {
        const object = await this.bucket.get(moved.data.r2_key);
        if (!object) throw new DistilflareError("storage_failed", `Work item '${row.name}' is missing from R2 (${moved.data.r2_key})`);
        value = await object.json();
        spilled.add(row.name);
      }
      // Each value is parsed by its row kind's schema in `stateFromRows`.
      rows.push({ kind: kind.data, name: row.name, part: row.part, seq: row.seq, value });
    }
    return rows;
  }

  /** The largest value stored, in bytes (tests and diagnostics). */
  largestValueBytes(): number {
    const sql = this.storage.sql;
    const rows = sql.exec<{ size: number | null }>("SELECT MAX(LENGTH(value)) AS size FROM run_rows").one().size ?? 0;
    const kv = sql.exec<{ size: number | null }>("SELECT MAX(LENGTH(value)) AS size FROM run_kv").one().size ?? 0;
    return Math.max(rows, kv);
  }
}

function tooLarge(what: string, bytes: number): DistilflareError {
  return new DistilflareError("payload_too_large", `Cannot store ${what}: ${bytes} bytes, over the ${MAX_STORED_VALUE_BYTES}-byte limit of a stored value`, {
    bytes,
    limit: MAX_STORED_VALUE_BYTES,
  });
}
