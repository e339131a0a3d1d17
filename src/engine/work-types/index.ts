import type { WorkItem } from "../work.js";
import { finalizeWork } from "./finalize.js";
import { generateWork } from "./generate.js";
import { processWork } from "./process.js";
import type { WorkTypeHandler } from "./work-type.js";
import { writeParquetWork } from "./write-parquet.js";

/**
 * The engine's handler of each kind of work: a new kind is its schema in `work.ts`, a handler
 * file and a line here. The order is the order the engine sends work in each pass.
 */
export const WORK_TYPES: { [T in WorkItem["type"]]: WorkTypeHandler<Extract<WorkItem, { type: T }>> } = {
  process: processWork,
  generate: generateWork,
  write_parquet: writeParquetWork,
  finalize: finalizeWork,
};

export function workTypeOf(work: WorkItem): WorkTypeHandler {
  return WORK_TYPES[work.type] as WorkTypeHandler;
}

export type { WorkTypeHandler } from "./work-type.js";
