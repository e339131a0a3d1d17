import type { EngineContext } from "../run-engine.js";
import { failRunInPlace } from "../run-failure.js";
import type { RunState } from "../run-state.js";
import { workId, type WorkItem, type WriteParquetWork } from "../work.js";
import { trackInflight } from "../work-tracking.js";
import type { WorkTypeHandler } from "./work-type.js";

/** One Parquet file of a leaf's rows: the file joins the leaf's list in file order, its columns the config's. */
export const writeParquetWork: WorkTypeHandler<WriteParquetWork> = {
  applyReport(state, work, report, context) {
    const leaf = state.leaves[work.step];
    if (!leaf) return true;
    leaf.writing = Math.max(0, leaf.writing - 1);
    if (report.fatal) {
      failRunInPlace(state, { ...report.fatal, step: work.step }, work, context.now);
      return false;
    }
    if (report.file) leaf.files.push({ ...report.file, file_index: work.file_index });
    leaf.files.sort((a, b) => a.file_index - b.file_index);
    for (const column of report.columns ?? []) if (!leaf.columns.includes(column)) leaf.columns.push(column);
    return true;
  },
  release(state, work) {
    const leaf = state.leaves[work.step];
    if (leaf) leaf.writing = Math.max(0, leaf.writing - 1);
  },
  retrack(state, work) {
    const leaf = state.leaves[work.step];
    if (leaf) leaf.writing++;
  },
  send: (state, context) => sendParquetWrites(state, context),
};

/** Cuts leaf outputs into Parquet files at a row or size threshold, and flushes the rest once the leaf is done. */
function sendParquetWrites(state: RunState, context: EngineContext): WorkItem[] {
  const dispatch: WorkItem[] = [];
  const { max_rows_per_file: maxRows, max_bytes_per_file: maxBytes } = state.plan.parquet;
  for (const [name, leaf] of Object.entries(state.leaves)) {
    const done = state.steps[name]?.done ?? false;
    for (;;) {
      let rows = 0;
      let bytes = 0;
      let count = 0;
      while (count < leaf.pending.length && rows < maxRows && bytes < maxBytes) {
        const entry = leaf.pending[count] as { rows: number; bytes: number };
        rows += entry.rows;
        bytes += entry.bytes;
        count++;
      }
      const full = rows >= maxRows || bytes >= maxBytes;
      if (!full && !(done && leaf.pending.length > 0)) break;
      const taken = leaf.pending.splice(0, count);
      if (taken.every((e) => e.rows === 0)) continue;
      const work: WorkItem = {
        type: "write_parquet",
        id: workId({ type: "write_parquet", config: leaf.config, file_index: leaf.next_file_index }),
        run_id: state.run_id,
        step: name,
        config: leaf.config,
        split: "train",
        file_index: leaf.next_file_index++,
        seq_nos: taken.map((e) => e.seq_no),
        ...(state.plan.steps[name]?.reused_from ? { source_run_id: state.plan.steps[name]?.reused_from } : {}),
      };
      leaf.writing++;
      trackInflight(state, work, context.now);
      dispatch.push(work);
    }
  }
  return dispatch;
}
