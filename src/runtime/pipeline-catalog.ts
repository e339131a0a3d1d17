import type { Pipeline, RuntimeParameters } from "../pipeline/pipeline.js";
import type { BudgetOptions } from "./run-budget-options.js";

/** A pipeline registered in the Worker by name: built fresh for every run. */
export interface RegisteredPipeline {
  description?: string | undefined;
  build: () => Pipeline;
  /** Runtime parameters used when a run gives none for a step. */
  defaultParameters?: RuntimeParameters | undefined;
  /** Spending limits of its runs when a run gives none (`max_cost_usd`, `max_requests` override them). */
  budget?: BudgetOptions | undefined;
}

export type PipelineCatalog = Record<string, RegisteredPipeline>;

/** A cron entry: when `cron` fires, the named pipeline runs with these parameters. */
export interface Schedule {
  cron: string;
  pipeline: string;
  parameters?: RuntimeParameters | undefined;
  /** Scheduled runs usually want fresh data, so the cache is off unless asked for. */
  useCache?: boolean | undefined;
}
