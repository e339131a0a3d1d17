import type { WorkItem } from "../work.js";
import { finalizeWork } from "./finalize.js";
import { generateWork } from "./generate.js";
import { processWork } from "./process.js";
import type { WorkType } from "./work-type.js";
import { writeParquetWork } from "./write-parquet.js";

/**
 * Every kind of work, each in its own file: a new kind is its file and a line here, keyed by its
 * schema's `type`. `workItemSchema` (`../work.ts`) is the union of their schemas. The order is the
 * order the engine sends work in each pass: batches before generator requests (building them
 * drains the buffers, so a generator is asked for its next batch in the same transition and
 * generation overlaps processing), Parquet writes, then the finalizer once the run is settled.
 *
 * Only this table imports the kinds' files: a kind's file reaches modules that import the table,
 * so a kind imported first would be read by the table before it is defined.
 */
export const WORK_TYPES = { process: processWork, generate: generateWork, write_parquet: writeParquetWork, finalize: finalizeWork };

export function workTypeOf(work: WorkItem): WorkType {
  return WORK_TYPES[work.type] as WorkType;
}
