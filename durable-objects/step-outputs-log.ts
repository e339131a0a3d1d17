import { reportedOutput } from "../src/engine/run-engine.js";
import type { PendingOutput, RunState } from "../src/engine/run-state.js";
import { workReportSchema, type WorkReportInput } from "../src/engine/work.js";
import { decodeRunValue, encodeRunValue } from "../src/runtime/run-object-values.js";

/**
 * Every output batch a run's steps produced, as the engine applied it (seq_no, rows, bytes,
 * last batch, origins, routing): what a later run that reuses one of these steps is fed. Kept
 * in the run object's SQLite storage beside the engine state, one small row per batch; the
 * rows themselves stay in R2 under the run's batch keys.
 */
export class StepOutputsLog {
  constructor(private readonly sql: SqlStorage) {
    sql.exec("CREATE TABLE IF NOT EXISTS step_outputs (step TEXT NOT NULL, seq_no INTEGER NOT NULL, output TEXT NOT NULL, PRIMARY KEY (step, seq_no))");
  }

  /** Records the output of a report about to be applied (a redelivered duplicate writes the same row). */
  record(state: RunState, input: WorkReportInput): void {
    const work = state.inflight[input.id]?.work;
    if (!work || input.fatal) return;
    const output = reportedOutput(work, workReportSchema.parse(input));
    if (!output || !("step" in work)) return;
    this.sql.exec(
      "INSERT OR REPLACE INTO step_outputs (step, seq_no, output) VALUES (?, ?, ?)",
      work.step,
      output.seq_no,
      encodeRunValue("step_output", output),
    );
  }

  /** A step's outputs in seq order. */
  outputs(step: string): PendingOutput[] {
    return this.sql
      .exec<{ output: string }>("SELECT output FROM step_outputs WHERE step = ? ORDER BY seq_no", step)
      .toArray()
      .map((row) => decodeRunValue("step_output", row.output));
  }
}
