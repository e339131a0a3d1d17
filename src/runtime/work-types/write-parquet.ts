import { writeDistisetFile } from "../../distiset/distiset-writer.js";
import type { WriteParquetWork } from "../../engine/work.js";
import { reportOf, type WorkExecutor } from "./work-executor.js";

/** Writes one Parquet file of a leaf's stored batches. */
export const runWriteParquet: WorkExecutor<WriteParquetWork> = async (work, deps, logger) => {
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
};
