import { finalizeDistiset } from "../../distiset/distiset-writer.js";
import type { FinalizeWork } from "../../engine/work.js";
import { DEFAULT_PRICES } from "../../llms/pricing/price-table.js";
import { usageReport } from "../../llms/usage/usage-totals.js";
import { reportOf, type WorkExecutor } from "./work-executor.js";

/** Writes the Distiset's manifest and card once every file is written. */
export const runFinalize: WorkExecutor<FinalizeWork> = async (work, deps, logger) => {
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
};
