import { DistilflareError } from "../../errors.js";
import type { GenerateWork } from "../../engine/work.js";
import { GeneratorStep } from "../../steps/base-step.js";
import { applyOutputMappings } from "../../steps/mappings.js";
import { loadSteps } from "../load-steps.js";
import { existingOutput, stepContext, storeOutput, withRetries } from "./step-batch.js";
import { reportOf, type WorkExecutor } from "./work-executor.js";

/** Asks a generator for its batch at `offset` (an output already stored is reported as it is). */
export const runGenerate: WorkExecutor<GenerateWork> = async (work, deps, logger) => {
  const existing = await existingOutput(work, deps);
  if (existing) return existing;
  const pipeline = await deps.pipeline(work.run_id);
  const step = pipeline.step(work.step);
  if (!(step instanceof GeneratorStep)) throw new DistilflareError("internal", `Step '${work.step}' is not a generator`);
  const context = stepContext(work, deps, logger);
  await loadSteps([step], context);
  const output = await withRetries(deps, logger, `generator '${work.step}' batch ${work.seq_no}`, () => step.generate(work.offset, context));
  const rows = applyOutputMappings(output.rows, {}, step.outputMappings);
  const stored = await storeOutput(work, rows, output.lastBatch || work.force_last_batch, deps);
  logger.info(`Generated batch ${work.seq_no} with ${stored.numRows} rows${stored.lastBatch ? " (last)" : ""}`);
  return { ...reportOf(work), num_rows: stored.numRows, bytes: stored.bytes, last_batch: stored.lastBatch, usage: context.usage?.snapshot() };
};
