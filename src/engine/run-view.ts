import { z } from "zod";
import type { RunState } from "./run-state.js";
import { runStatusSchema } from "./run-state.js";
import { DEFAULT_PRICES, type PriceTable } from "../llms/pricing/price-table.js";
import { usageTotalsSchema, type UsageByModel } from "../llms/usage/usage.js";
import { usageTotals } from "../llms/usage/usage-totals.js";
import { runBudgetSchema, runStopSchema, runUsage } from "./run-budget.js";
import { offlineBatchWaitSchema, pendingOfflineBatches } from "./offline-batch-wait.js";

export const stepStatusSchema = z.enum(["pending", "running", "finished", "failed"]);

export const stepProgressSchema = z.object({
  status: stepStatusSchema,
  batches_sent: z.number().int(),
  batches_done: z.number().int(),
  rows_in: z.number().int(),
  rows_out: z.number().int(),
  errors: z.number().int(),
  failed_rows: z.number().int(),
  /** Optional on the wire: servers from before usage existed send none (the CLI reads them too). */
  usage: usageTotalsSchema.optional(),
  /** The successor this step's batches are fused with (run in the same consumer invocation), if any. */
  fused_into: z.string().nullable().optional(),
  /** This step's batches that ran fused behind their predecessor's batch instead of through the queue. */
  batches_fused: z.number().int().optional(),
  /** Not computed in this run: its outputs are those of this earlier run (step-level reuse). */
  reused_from: z.string().optional(),
});

export const runMetaSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  signature: z.string(),
  cache_key: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  use_cache: z.boolean(),
  dry_run: z.boolean(),
});
export type RunMeta = z.infer<typeof runMetaSchema>;

/** `GET /v1/runs/{id}` (DESIGN.md section 5). */
export const runViewSchema = runMetaSchema.extend({
  status: runStatusSchema,
  stages: z.array(z.object({ index: z.number().int(), steps: z.array(z.string()), status: z.enum(["pending", "running", "finished"]) })),
  steps: z.record(z.string(), stepProgressSchema),
  /** The DAG's edges, as in `GET /v1/pipelines`, so a client can draw the run. */
  connections: z.array(z.object({ from: z.string(), to: z.array(z.string()) })),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  errors: z.array(z.object({ step: z.string().optional(), seq_no: z.number().optional(), code: z.string(), message: z.string() })),
  error_count: z.number().int(),
  /** Rows imputed as null across all steps; the cache never serves a run with failed rows unless asked to. */
  failed_rows: z.number().int(),
  /** LLM calls, tokens and cost of the whole run (cost null where a model has no price). */
  usage: usageTotalsSchema.optional(),
  /** The same per model, keyed `provider:model`. */
  usage_by_model: z.record(z.string(), usageTotalsSchema.extend({ provider: z.string(), model: z.string() })).optional(),
  /** The run's spending limits, when it has any. */
  budget: runBudgetSchema.optional(),
  /** Why a `stopping`/`stopped` run stopped: `requested` (the stop route) or `budget` (its next batch would have passed the budget). */
  stop: runStopSchema.optional(),
  /** Provider batch jobs the run waits on (offline batch generation): one per step batch, with the provider's status and counts. */
  offline_batches: z.array(offlineBatchWaitSchema.extend({ step: z.string(), seq_no: z.number().int() })).optional(),
});
export type RunView = z.infer<typeof runViewSchema>;

export function totalFailedRows(state: RunState): number {
  return Object.values(state.steps).reduce((sum, s) => sum + (s.failed_rows ?? 0), 0);
}

/** The API's view of a run: progress per step and per stage, the latest errors. */
export function runView(meta: RunMeta, state: RunState, prices: PriceTable = DEFAULT_PRICES): RunView {
  const failedStep = state.status === "failed" ? state.errors.at(-1)?.step : undefined;
  const steps = Object.fromEntries(
    state.plan.order.map((name) => {
      const run = state.steps[name];
      const { done, batches_sent = 0, batches_done = 0, rows_in = 0, rows_out = 0, errors = 0, failed_rows = 0 } = run ?? {};
      const status = name === failedStep ? "failed" : done ? "finished" : batches_sent > 0 ? "running" : "pending";
      const counts = { batches_sent, batches_done, rows_in, rows_out, errors, failed_rows };
      const fusion = { fused_into: state.plan.steps[name]?.fuse_into ?? null, batches_fused: run?.batches_fused ?? 0 };
      return [name, { status, ...counts, usage: usageTotals(run?.usage ?? {}, prices), ...fusion, ...reusedFrom(state, name) }];
    }),
  ) as RunView["steps"];
  const stageStatus = (index: number, steps: string[]): RunView["stages"][number]["status"] =>
    index < state.stage.current || steps.every((s) => state.steps[s]?.done) ? "finished" : index === state.stage.current ? "running" : "pending";
  const stages = state.plan.stages.map((steps, index) => ({ index, steps, status: stageStatus(index, steps) }));
  const view: RunView = {
    ...meta,
    status: state.status,
    stages,
    steps,
    connections: state.plan.order.map((name) => ({ from: name, to: state.plan.steps[name]?.successors ?? [] })),
    errors: state.errors.slice(-20).map(({ step, seq_no, code, message }) => ({ step, seq_no, code, message })),
    error_count: state.error_count,
    failed_rows: totalFailedRows(state),
    ...usageView(runUsage(state), prices),
  };
  const batches = pendingOfflineBatches(state);
  if (batches.length > 0) view.offline_batches = batches;
  if (state.error) view.error = state.error;
  if (state.budget) view.budget = state.budget;
  if (state.stop && (state.status === "stopping" || state.status === "stopped")) view.stop = state.stop;
  return view;
}

function reusedFrom(state: RunState, step: string): { reused_from?: string } {
  const source = state.plan.steps[step]?.reused_from;
  return source ? { reused_from: source } : {};
}

function usageView(usage: UsageByModel, prices: PriceTable): Required<Pick<RunView, "usage" | "usage_by_model">> {
  return {
    usage: usageTotals(usage, prices),
    usage_by_model: Object.fromEntries(
      Object.entries(usage).map(([key, entry]) => [key, { provider: entry.provider, model: entry.model, ...usageTotals({ [key]: entry }, prices) }]),
    ),
  };
}
