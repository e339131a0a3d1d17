import { runKeys } from "../src/runtime/run-keys.js";

const MAX_LOG_LINES = 20_000;

/**
 * The run's `pipeline.log` as it grows: lines in the run object's SQLite (the last 20,000 kept),
 * copied to R2 when the run ends and after a Hub push.
 */
export class RunLog {
  constructor(private readonly sql: SqlStorage) {
    sql.exec("CREATE TABLE IF NOT EXISTS log (id INTEGER PRIMARY KEY AUTOINCREMENT, line TEXT NOT NULL)");
  }

  append(lines: readonly string[]): void {
    if (lines.length === 0) return;
    for (const line of lines) this.sql.exec("INSERT INTO log (line) VALUES (?)", line);
    this.sql.exec("DELETE FROM log WHERE id <= (SELECT MAX(id) FROM log) - ?", MAX_LOG_LINES);
  }

  text(): string {
    const rows = this.sql.exec<{ line: string }>("SELECT line FROM log ORDER BY id").toArray();
    return rows.map((r) => r.line).join("\n") + (rows.length > 0 ? "\n" : "");
  }

  /** Writes the log as it is to the run's `pipeline.log` in R2. */
  async saveTo(bucket: R2Bucket, runId: string): Promise<void> {
    await bucket.put(runKeys.log(runId), this.text(), { httpMetadata: { contentType: "text/plain" } });
  }
}
