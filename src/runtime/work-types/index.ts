import type { WorkItem } from "../../engine/work.js";
import { runFinalize } from "./finalize.js";
import { runGenerate } from "./generate.js";
import { runProcess } from "./process.js";
import type { WorkExecutor } from "./work-executor.js";
import { runWriteParquet } from "./write-parquet.js";

/** How a consumer runs each kind of work (the engine's side is `src/engine/work-types/`). */
export const WORK_EXECUTORS: { [T in WorkItem["type"]]: WorkExecutor<Extract<WorkItem, { type: T }>> } = {
  generate: runGenerate,
  process: runProcess,
  write_parquet: runWriteParquet,
  finalize: runFinalize,
};

export function executorOf(work: WorkItem): WorkExecutor<WorkItem> {
  return WORK_EXECUTORS[work.type] as WorkExecutor<WorkItem>;
}
