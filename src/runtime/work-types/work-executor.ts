import type { Pipeline } from "../../pipeline/pipeline.js";
import type { RetryPolicy } from "../../core/retry-policy.js";
import type { PriceTable } from "../../llms/pricing/price-table.js";
import type { BufferLogger, StepServices } from "../../steps/step-context.js";
import type { WorkItem, WorkReportInput } from "../../engine/work.js";
import type { BlobStore } from "../blob-store.js";

export interface WorkRunnerDeps {
  store: BlobStore;
  /** The run's pipeline, with its runtime parameters applied. */
  pipeline: (runId: string) => Promise<Pipeline>;
  services: StepServices;
  /** Attempts of a failing batch before it is imputed (normal steps) or the run fails. */
  retry?: RetryPolicy | undefined;
  sleep?: ((ms: number) => Promise<void>) | undefined;
  /** Prices for the Distiset card's cost (the owner's `LLM_PRICES` over the defaults). */
  prices?: PriceTable | undefined;
  /** Called with log lines (they also travel in the report). */
  onLog?: ((lines: string[]) => void) | undefined;
}

/** How a consumer runs one kind of work: returns its report, or throws to report it fatal. */
export type WorkExecutor<W extends WorkItem> = (work: W, deps: WorkRunnerDeps, logger: BufferLogger) => Promise<WorkReportInput>;

/** The fields every report of `work` starts with. */
export function reportOf(work: WorkItem): Pick<WorkReportInput, "id" | "run_id" | "type" | "step" | "seq_no"> {
  return {
    id: work.id,
    run_id: work.run_id,
    type: work.type,
    step: "step" in work ? work.step : undefined,
    seq_no: "seq_no" in work ? work.seq_no : undefined,
  };
}
