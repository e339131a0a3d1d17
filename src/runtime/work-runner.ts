import { toDistilflareError } from "../errors.js";
import type { WorkItem, WorkReportInput } from "../engine/work.js";
import { workTypeOf } from "../engine/work-types/index.js";
import { reportOf, type WorkRunnerDeps } from "../engine/work-types/work-type.js";
import { BufferLogger } from "../steps/step-context.js";

/**
 * Runs one work item with its kind's `run` and returns its report. Idempotent per work id: an
 * output already stored under the batch's deterministic key is reported as it is, never computed twice.
 */
export async function runWork(work: WorkItem, deps: WorkRunnerDeps): Promise<WorkReportInput> {
  const logger = new BufferLogger(work.type === "finalize" ? "" : `[${work.step}] `);
  try {
    const report = await workTypeOf(work).run(work, deps, logger);
    return { ...report, log: [...logger.lines, ...(report.log ?? [])] };
  } catch (error) {
    const failure = toDistilflareError(error);
    logger.error(failure.message);
    return { ...reportOf(work), fatal: { code: failure.code, message: failure.message }, log: logger.lines };
  } finally {
    deps.onLog?.(logger.lines);
  }
}
