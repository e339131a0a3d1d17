import { z } from "zod";
import { finalizeDistiset } from "../../distiset/distiset-writer.js";
import { DEFAULT_PRICES } from "../../llms/pricing/price-table.js";
import { usageReport } from "../../llms/usage/usage-totals.js";
import { usageByModelSchema } from "../../llms/usage/usage.js";
import type { BufferLogger } from "../../steps/step-context.js";
import type { EngineContext } from "../run-engine.js";
import { runUsage } from "../run-budget.js";
import { failRunInPlace } from "../run-failure.js";
import type { RunState } from "../run-state.js";
import type { WorkReportInput } from "../work.js";
import { trackInflight } from "../work-tracking.js";
import { reportOf, type WorkRunnerDeps, type WorkType } from "./work-type.js";

/** Write the manifest, the dataset card and the log once every file is written. */
const finalizeWorkSchema = z.object({
  type: z.literal("finalize"),
  id: z.string(),
  run_id: z.string(),
  /** Failed rows per step, for the Distiset's manifest and card. */
  failed_rows: z.record(z.string(), z.number().int().nonnegative()).default({}),
  /** The run's LLM usage per model, for the Distiset's manifest and card. */
  usage: usageByModelSchema.optional(),
});
export type FinalizeWork = z.infer<typeof finalizeWorkSchema>;

/** The Distiset's manifest and card, written once everything else is: its report ends the run. */
export const finalizeWork: WorkType<typeof finalizeWorkSchema> = {
  schema: finalizeWorkSchema,
  applyReport(state, work, report, context) {
    if (report.fatal) {
      state.finalize = "pending";
      failRunInPlace(state, report.fatal, work, context.now);
      return false;
    }
    state.finalize = "done";
    state.status = "succeeded";
    return false;
  },
  release(state) {
    state.finalize = "pending";
  },
  retrack(state) {
    state.finalize = "dispatched";
  },
  send: sendFinalizeWhenSettled,
  run: runFinalize,
};

/**
 * The finalizer, once every step is done, every leaf row written and nothing is in flight (a
 * pass that sent anything is never settled, so it goes out after all other work).
 */
function sendFinalizeWhenSettled(state: RunState, context: EngineContext): FinalizeWork[] {
  const settled =
    Object.values(state.steps).every((s) => s.done) &&
    Object.values(state.leaves).every((l) => l.pending.length === 0 && l.writing === 0) &&
    Object.keys(state.inflight).length === 0;
  if (!settled || state.finalize !== "pending") return [];
  const usage = runUsage(state);
  const work: FinalizeWork = {
    type: "finalize",
    id: "finalize",
    run_id: state.run_id,
    failed_rows: failedRowsByStep(state),
    ...(Object.keys(usage).length > 0 ? { usage } : {}),
  };
  state.finalize = "dispatched";
  trackInflight(state, work, context.now);
  return [work];
}

/** Steps with failed rows and how many (a state stored before the count existed has none). */
function failedRowsByStep(state: RunState): Record<string, number> {
  return Object.fromEntries(Object.entries(state.steps).flatMap(([name, s]) => ((s.failed_rows ?? 0) > 0 ? [[name, s.failed_rows]] : [])));
}

async function runFinalize(work: FinalizeWork, deps: WorkRunnerDeps, logger: BufferLogger): Promise<WorkReportInput> {
  const pipeline = await deps.pipeline(work.run_id);
  const leaves = pipeline.dag().leaves();
  const configs = Object.fromEntries(leaves.map((leaf) => [leaf, leaves.length === 1 ? "default" : leaf]));
  const manifest = await finalizeDistiset({
    store: deps.store,
    runId: work.run_id,
    pipelineName: pipeline.name,
    description: pipeline.description,
    configs,
    failedRows: work.failed_rows,
    usage: usageReport(work.usage ?? {}, deps.prices ?? DEFAULT_PRICES),
  });
  const total = Object.values(manifest.configs).reduce((sum, c) => sum + (c.splits.train?.num_rows ?? 0), 0);
  logger.info(`Distiset written: ${Object.keys(manifest.configs).length} config(s), ${total} rows`);
  return { ...reportOf(work), num_rows: total };
}
