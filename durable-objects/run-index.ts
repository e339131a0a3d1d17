import { DurableObject } from "cloudflare:workers";
import { z } from "zod";
import { runStatusSchema } from "../src/engine/run-state.js";
import { rpc, type RpcResult } from "./rpc-result.js";
import { stepOutputSourceSchema, type StepOutputSource } from "../src/engine/step-reuse.js";

export const runSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  signature: z.string(),
  cache_key: z.string(),
  status: runStatusSchema,
  dry_run: z.boolean(),
  /** Rows imputed as null (known once the run ends); the cache skips such runs unless they are accepted. */
  failed_rows: z.number().int().nonnegative().default(0),
  created_at: z.string(),
  updated_at: z.string(),
});
export type RunSummary = z.infer<typeof runSummarySchema>;

const SCHEMA_VERSION = 3;

/**
 * One object for the whole deployment: the list of runs (newest first) and the cache lookup by
 * signature. Runs report here only when their status changes, so it is never a hot spot.
 */
export class RunIndex extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => this.migrate());
  }

  private migrate(): void {
    const sql = this.ctx.storage.sql;
    sql.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)");
    const row = sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'schema_version'").toArray()[0];
    const version = row ? Number(row.value) : 0;
    if (version < 1) {
      sql.exec(
        "CREATE TABLE IF NOT EXISTS runs (id TEXT PRIMARY KEY, name TEXT, signature TEXT, cache_key TEXT, status TEXT, dry_run INTEGER, created_at TEXT, updated_at TEXT)",
      );
      sql.exec("CREATE INDEX IF NOT EXISTS runs_by_created ON runs (created_at DESC, id DESC)");
      sql.exec("CREATE INDEX IF NOT EXISTS runs_by_cache_key ON runs (cache_key, created_at DESC)");
    }
    if (version < 2) sql.exec("ALTER TABLE runs ADD COLUMN failed_rows INTEGER NOT NULL DEFAULT 0");
    if (version < 3) {
      // Complete outputs of single steps, by reuse signature: what step-level reuse finds.
      sql.exec(
        "CREATE TABLE IF NOT EXISTS step_outputs (signature TEXT NOT NULL, run_id TEXT NOT NULL, step TEXT NOT NULL, failed_rows INTEGER NOT NULL, routing_seed TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (signature, run_id))",
      );
      sql.exec("CREATE INDEX IF NOT EXISTS step_outputs_by_signature ON step_outputs (signature, created_at DESC)");
    }
    sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)", String(SCHEMA_VERSION));
  }

  async upsert(summary: RunSummary): Promise<RpcResult<null>> {
    return rpc(() => {
      const s = runSummarySchema.parse(summary);
      this.ctx.storage.sql.exec(
        `INSERT INTO runs (id, name, signature, cache_key, status, dry_run, created_at, updated_at, failed_rows) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at, failed_rows = excluded.failed_rows`,
        s.id,
        s.name,
        s.signature,
        s.cache_key,
        s.status,
        s.dry_run ? 1 : 0,
        s.created_at,
        s.updated_at,
        s.failed_rows,
      );
      return null;
    });
  }

  /** Newest first; `before` is the cursor (`created_at|id` of the last item of the previous page). */
  async list(options: { limit: number; before?: string | undefined }): Promise<RpcResult<{ runs: RunSummary[]; next_cursor: string | null }>> {
    return rpc(() => {
      const limit = Math.max(1, Math.min(options.limit, 200));
      const [createdAt, id] = options.before ? splitCursor(options.before) : [undefined, undefined];
      const rows = (
        createdAt
          ? this.ctx.storage.sql.exec<Record<string, string | number>>(
              "SELECT * FROM runs WHERE (created_at < ?) OR (created_at = ? AND id < ?) ORDER BY created_at DESC, id DESC LIMIT ?",
              createdAt,
              createdAt,
              id ?? "",
              limit + 1,
            )
          : this.ctx.storage.sql.exec<Record<string, string | number>>("SELECT * FROM runs ORDER BY created_at DESC, id DESC LIMIT ?", limit + 1)
      ).toArray();
      const runs = rows.slice(0, limit).map(toSummary);
      const last = runs.at(-1);
      return { runs, next_cursor: rows.length > limit && last ? `${last.created_at}|${last.id}` : null };
    });
  }

  /** Whether a run with this id was ever created: the API asks before touching its Durable Object. */
  async has(id: string): Promise<RpcResult<boolean>> {
    return rpc(() => this.ctx.storage.sql.exec("SELECT 1 FROM runs WHERE id = ? LIMIT 1", id).toArray().length > 0);
  }

  /** Steps a run completed by their own last batch (computed there, not reused), offered to later runs. */
  async registerStepOutputs(input: {
    run_id: string;
    routing_seed: string;
    created_at: string;
    steps: Array<{ step: string; signature: string; failed_rows: number }>;
  }): Promise<RpcResult<null>> {
    return rpc(() => {
      for (const entry of input.steps) {
        this.ctx.storage.sql.exec(
          "INSERT OR REPLACE INTO step_outputs (signature, run_id, step, failed_rows, routing_seed, created_at) VALUES (?, ?, ?, ?, ?, ?)",
          entry.signature,
          input.run_id,
          entry.step,
          entry.failed_rows,
          input.routing_seed,
          input.created_at,
        );
      }
      return null;
    });
  }

  /** For each signature, the newest run that stored those outputs (one without failed rows first); unknown ones are absent. */
  async findStepOutputs(signatures: string[]): Promise<RpcResult<Record<string, StepOutputSource>>> {
    return rpc(() => {
      const rows: StepOutputSource[] = [];
      for (const signature of new Set(signatures)) {
        const found = this.ctx.storage.sql
          .exec<Record<string, string | number>>(
            "SELECT signature, run_id, step, failed_rows, routing_seed FROM step_outputs WHERE signature = ? ORDER BY created_at DESC, run_id DESC",
            signature,
          )
          .toArray();
        rows.push(...found.map((row) => stepOutputSourceSchema.parse(row)));
      }
      return newestSources(rows);
    });
  }

  /** Forgets a source whose outputs could not be read (deleted from R2 or incomplete). */
  async forgetStepOutputs(input: { signature: string; run_id: string }): Promise<RpcResult<null>> {
    return rpc(() => {
      this.ctx.storage.sql.exec("DELETE FROM step_outputs WHERE signature = ? AND run_id = ?", input.signature, input.run_id);
      return null;
    });
  }

  /**
   * The newest run (not a dry run) with this cache key. A run whose rows failed is skipped
   * unless accepted, so the request computes a fresh run: its imputed batches are never reused.
   */
  async findByCacheKey(cacheKey: string, options: { acceptFailedRows?: boolean | undefined } = {}): Promise<RpcResult<RunSummary | null>> {
    return rpc(() => {
      const row = this.ctx.storage.sql
        .exec<Record<string, string | number>>(
          "SELECT * FROM runs WHERE cache_key = ? AND dry_run = 0 AND (failed_rows = 0 OR ?) ORDER BY created_at DESC LIMIT 1",
          cacheKey,
          options.acceptFailedRows ? 1 : 0,
        )
        .toArray()[0];
      return row ? toSummary(row) : null;
    });
  }
}

/** The newest source of each signature, preferring outputs without failed rows. */
function newestSources(rows: StepOutputSource[]): Record<string, StepOutputSource> {
  const out: Record<string, StepOutputSource> = {};
  for (const row of rows) {
    const current = out[row.signature];
    if (!current || (current.failed_rows > 0 && row.failed_rows === 0)) out[row.signature] = row;
  }
  return out;
}

function splitCursor(cursor: string): [string, string] {
  const at = cursor.lastIndexOf("|");
  return at < 0 ? [cursor, ""] : [cursor.slice(0, at), cursor.slice(at + 1)];
}

function toSummary(row: Record<string, string | number>): RunSummary {
  return runSummarySchema.parse({ ...row, dry_run: Number(row.dry_run) === 1 });
}
