import { z } from "zod";
import { batchOriginShape } from "./batch.js";
import { batchManagerStepSchema, createBatchManagerStep, type BatchManagerStepState } from "./batch-manager-step.js";
import { runPlanSchema, type RunPlan } from "./run-plan.js";
import { distisetFileSchema, workItemSchema } from "./work.js";
import { usageByModelSchema } from "../llms/usage/usage.js";
import { runBudgetSchema, runStopSchema } from "./run-budget.js";
import { offlineBatchWaitSchema } from "./offline-batch-wait.js";

export const RUN_STATUSES = ["pending", "running", "stopping", "stopped", "succeeded", "failed"] as const;
export const runStatusSchema = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof runStatusSchema>;

/** A step output waiting for its predecessors in seq order before it is routed downstream. */
export const pendingOutputSchema = z.object({
  seq_no: z.number().int().nonnegative(),
  num_rows: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  ...batchOriginShape,
});
export type PendingOutput = z.infer<typeof pendingOutputSchema>;

export const stepRunSchema = z.object({
  batches_sent: z.number().int().nonnegative(),
  batches_done: z.number().int().nonnegative(),
  rows_in: z.number().int().nonnegative(),
  rows_out: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  /** Output rows imputed as null after the step failed on them. */
  failed_rows: z.number().int().nonnegative().default(0),
  inflight: z.number().int().nonnegative(),
  /** Outputs are applied strictly in seq order; this is the next one to apply. */
  next_output_seq_no: z.number().int().nonnegative(),
  pending_outputs: z.array(pendingOutputSchema),
  /** Its last batch was applied, or a successor's last batch told it to stop (distilabel's LAST_BATCH_SENT_FLAG). */
  done: z.boolean(),
  flagged: z.boolean(),
  /** Generators: the next request and the rows produced so far (the next offset). */
  next_seq_no: z.number().int().nonnegative(),
  next_offset: z.number().int().nonnegative(),
  outstanding: z.boolean(),
  /** LLM calls of its batches per model (a state stored before usage existed has none). */
  usage: usageByModelSchema.optional(),
  /** Its batches run by the consumer of their input batch instead of through the queue (`step-fusion.ts`). */
  batches_fused: z.number().int().nonnegative().optional(),
});
export type StepRun = z.infer<typeof stepRunSchema>;

export const leafRunSchema = z.object({
  config: z.string(),
  /** Leaf batches applied but not yet in a Parquet file, in seq order. */
  pending: z.array(z.object({ seq_no: z.number().int(), rows: z.number().int(), bytes: z.number().int() })),
  next_file_index: z.number().int().nonnegative(),
  writing: z.number().int().nonnegative(),
  files: z.array(distisetFileSchema.extend({ file_index: z.number().int().nonnegative() })),
  columns: z.array(z.string()),
});
export type LeafRun = z.infer<typeof leafRunSchema>;

export const runErrorSchema = z.object({
  step: z.string().optional(),
  seq_no: z.number().int().optional(),
  code: z.string(),
  message: z.string(),
  at: z.number(),
});

export const inflightSchema = z.object({
  work: workItemSchema,
  /** When it was (last) sent to a queue. */
  dispatched_at: z.number(),
  /** Set while a consumer holds the work (see `work-leases.ts`); it reports or renews before then. */
  started_at: z.number().optional(),
  lease_until: z.number().optional(),
  /** Consumers that started it: queue redeliveries and re-sends both count. */
  attempts: z.number().int().nonnegative(),
  last_error: z.string().optional(),
  /** A process batch waiting on its provider batch job (offline batch generation): sent again to poll at `next_poll_at`. */
  offline_batch: offlineBatchWaitSchema.optional(),
});
export type InflightEntry = z.infer<typeof inflightSchema>;

/** How long work takes from its start to its report (a moving average), to tell a queue backlog from lost messages. */
export const workTimingSchema = z.object({ mean_ms: z.number().nonnegative(), samples: z.number().int().nonnegative() });

export const runStateSchema = z.object({
  version: z.literal(2),
  run_id: z.string(),
  status: runStatusSchema,
  plan: runPlanSchema,
  steps: z.record(z.string(), stepRunSchema),
  batch_managers: z.record(z.string(), batchManagerStepSchema),
  stage: z.object({ current: z.number().int().nonnegative(), last_batch: z.array(z.array(z.string())) }),
  inflight: z.record(z.string(), inflightSchema),
  /** Work that failed fatally; a resume sends it again. */
  failed_work: z.array(workItemSchema),
  leaves: z.record(z.string(), leafRunSchema),
  finalize: z.enum(["pending", "dispatched", "done"]),
  errors: z.array(runErrorSchema),
  error_count: z.number().int().nonnegative(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  work_timing: workTimingSchema,
  /** Spending limits (`max_cost_usd`, `max_requests`); a state stored before budgets existed has none. */
  budget: runBudgetSchema.optional(),
  /** Why the run stopped or is stopping; cleared by a resume. */
  stop: runStopSchema.nullable().optional(),
});
export type RunState = z.infer<typeof runStateSchema>;

export function createRunState(runId: string, plan: RunPlan): RunState {
  const steps: Record<string, StepRun> = {};
  const batchManagers: Record<string, BatchManagerStepState> = {};
  for (const name of plan.order) {
    const step = plan.steps[name];
    if (!step) continue;
    const counts = { batches_sent: 0, batches_done: 0, rows_in: 0, rows_out: 0, errors: 0, failed_rows: 0, inflight: 0, next_output_seq_no: 0 };
    steps[name] = { ...counts, pending_outputs: [], done: false, flagged: false, next_seq_no: 0, next_offset: 0, outstanding: false };
    if (step.kind !== "generator") {
      batchManagers[name] = createBatchManagerStep({
        step: name,
        predecessors: step.predecessors,
        accumulate: step.kind === "global",
        inputBatchSize: step.input_batch_size,
        convergenceStep: step.convergence,
      });
    }
  }
  return {
    version: 2,
    run_id: runId,
    status: "pending",
    plan,
    steps,
    batch_managers: batchManagers,
    stage: { current: 0, last_batch: plan.stages.map(() => []) },
    inflight: {},
    failed_work: [],
    leaves: Object.fromEntries(
      plan.leaves.map((leaf) => [leaf, { config: plan.configs[leaf] ?? leaf, pending: [], next_file_index: 0, writing: 0, files: [], columns: [] }]),
    ),
    finalize: "pending",
    errors: [],
    error_count: 0,
    error: null,
    work_timing: { mean_ms: 0, samples: 0 },
  };
}
