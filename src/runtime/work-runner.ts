import { toDistilflareError } from "../errors.js";
import type { WorkItem, WorkReportInput } from "../engine/work.js";
import { BufferLogger } from "../steps/step-context.js";
import { executorOf } from "./work-types/index.js";
import { reportOf, type WorkRunnerDeps } from "./work-types/work-executor.js";

export type { WorkRunnerDeps } from "./work-types/work-executor.js";

/**
 * Runs one work item and returns its report. Idempotent per work id: an output already stored
 * under the batch's deterministic key is reported as it is, never computed twice.
 */
export async function runWork(work: WorkItem, deps: WorkRunnerDeps): Promise<WorkReportInput> {
  const logger = new BufferLogger(work.type === "finalize" ? "" : `[${"step" in work ? work.step : ""}] `);
  try {
    const report = await executorOf(work)(work, deps, logger);
    return { ...report, log: [...logger.lines, ...(report.log ?? [])] };
  } catch (error) {
    const failure = toDistilflareError(error);
    logger.error(failure.message);
    return { ...reportOf(work), fatal: { code: failure.code, message: failure.message }, log: logger.lines };
  } finally {
    deps.onLog?.(logger.lines);
  }
}
