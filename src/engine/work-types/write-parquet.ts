import { z } from "zod";
import { writeDistisetFile } from "../../distiset/distiset-writer.js";
import type { BufferLogger } from "../../steps/step-context.js";
import type { EngineContext } from "../run-engine.js";
import { failRunInPlace } from "../run-failure.js";
import type { LeafRun, RunState } from "../run-state.js";
import type { WorkReportInput } from "../work.js";
import { trackInflight } from "../work-tracking.js";
import { reportOf, type WorkRunnerDeps, type WorkType } from "./work-type.js";

/** Write leaf-step batches `seq_nos` as one Parquet file of the Distiset. */
const writeParquetWorkSchema = z.object({
  type: z.literal("write_parquet"),
  id: z.string(),
  run_id: z.string(),
  step: z.string(),
  config: z.string(),
  split: z.string(),
  file_index: z.number().int().nonnegative(),
  seq_nos: z.array(z.number().int().nonnegative()),
  /** The earlier run whose stored batches of a reused leaf are written (absent: this run's). */
  source_run_id: z.string().optional(),
});
export type WriteParquetWork = z.infer<typeof writeParquetWorkSchema>;

function countWriting(state: RunState, work: WriteParquetWork, change: 1 | -1): LeafRun | undefined {
  const leaf = state.leaves[work.step];
  if (leaf) leaf.writing = Math.max(0, leaf.writing + change);
  return leaf;
}

/** One Parquet file of a leaf's rows: the file joins the leaf's list in file order, its columns the config's. */
export const writeParquetWork: WorkType<typeof writeParquetWorkSchema> = {
  schema: writeParquetWorkSchema,
  applyReport(state, work, report, context) {
    const leaf = countWriting(state, work, -1);
    if (!leaf) return true;
    if (report.fatal) {
      failRunInPlace(state, { ...report.fatal, step: work.step }, work, context.now);
      return false;
    }
    if (report.file) leaf.files.push({ ...report.file, file_index: work.file_index });
    leaf.files.sort((a, b) => a.file_index - b.file_index);
    for (const column of report.columns ?? []) if (!leaf.columns.includes(column)) leaf.columns.push(column);
    return true;
  },
  release: (state, work) => countWriting(state, work, -1),
  retrack: (state, work) => countWriting(state, work, 1),
  send: sendParquetWrites,
  run: runWriteParquet,
};

/** Cuts leaf outputs into Parquet files at a row or size threshold, and flushes the rest once the leaf is done. */
function sendParquetWrites(state: RunState, context: EngineContext): WriteParquetWork[] {
  const dispatch: WriteParquetWork[] = [];
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
      const sourceRunId = state.plan.steps[name]?.reused_from;
      const work: WriteParquetWork = {
        type: "write_parquet",
        id: `write_parquet:${leaf.config}:${leaf.next_file_index}`,
        run_id: state.run_id,
        step: name,
        config: leaf.config,
        split: "train",
        file_index: leaf.next_file_index++,
        seq_nos: taken.map((e) => e.seq_no),
        ...(sourceRunId ? { source_run_id: sourceRunId } : {}),
      };
      leaf.writing++;
      trackInflight(state, work, context.now);
      dispatch.push(work);
    }
  }
  return dispatch;
}

async function runWriteParquet(work: WriteParquetWork, deps: WorkRunnerDeps, logger: BufferLogger): Promise<WorkReportInput> {
  const pipeline = await deps.pipeline(work.run_id);
  const file = await writeDistisetFile({
    store: deps.store,
    runId: work.run_id,
    sourceRunId: work.source_run_id,
    step: work.step,
    config: work.config,
    split: work.split,
    fileIndex: work.file_index,
    seqNos: work.seq_nos,
    enableMetadata: pipeline.enableMetadata,
  });
  logger.info(`Wrote ${file.num_rows} rows to '${file.path}'`);
  return { ...reportOf(work), num_rows: file.num_rows, file: { path: file.path, size_bytes: file.size_bytes, num_rows: file.num_rows }, columns: file.columns };
}
