import { z } from "zod";
import { Dag, stepKindSchema, type DagSpec } from "../pipeline/dag.js";
import { loadStages, type LoadGroups } from "../pipeline/load-stages.js";
import { fusionTargets } from "./step-fusion.js";

export const runPlanStepSchema = z.object({
  name: z.string(),
  kind: stepKindSchema,
  input_batch_size: z.number().int().positive().nullable(),
  batch_size: z.number().int().positive().nullable(),
  predecessors: z.array(z.string()),
  successors: z.array(z.string()),
  routing: z.object({ type_name: z.string(), kwargs: z.record(z.string(), z.unknown()) }).nullable(),
  convergence: z.boolean(),
  leaf: z.boolean(),
  stage: z.number().int().nonnegative(),
  /** Batches of this step that may be in flight at once. */
  max_inflight: z.number().int().positive(),
  /** The successor whose batches built from this step's batch alone run in the same consumer invocation (`step-fusion.ts`). */
  fuse_into: z.string().nullable().default(null),
  /** Its reuse signature (own configuration and every ancestor's: `src/pipeline/step-signatures.ts`). */
  signature: z.string().optional(),
  /** Not computed in this run: its output batches are those of this earlier run (`src/engine/step-reuse.ts`). */
  reused_from: z.string().optional(),
  /** Seeds its routing choices: the seed of the run that produced its outputs, so a reused router routes as it did then. */
  routing_seed: z.string().optional(),
});
export type RunPlanStep = z.infer<typeof runPlanStepSchema>;

/** Everything the engine needs to know of the pipeline, as plain data fixed at run start. */
export const runPlanSchema = z.object({
  pipeline_name: z.string(),
  steps: z.record(z.string(), runPlanStepSchema),
  order: z.array(z.string()),
  stages: z.array(z.array(z.string())),
  stage_last_steps: z.array(z.array(z.string())),
  leaves: z.array(z.string()),
  /** Leaf step -> Distiset config: `default` with one leaf, else the leaf's name. */
  configs: z.record(z.string(), z.string()),
  dry_run: z.boolean(),
  /** Seeds routing choices, so a replay routes every batch the same way. */
  seed: z.string(),
  max_inflight_per_step: z.number().int().positive(),
  parquet: z.object({ max_rows_per_file: z.number().int().positive(), max_bytes_per_file: z.number().int().positive() }),
});
export type RunPlan = z.infer<typeof runPlanSchema>;

export interface RunPlanOptions {
  pipelineName: string;
  seed: string;
  loadGroups?: LoadGroups | undefined;
  dryRun?: boolean | undefined;
  /** How many batches of one step may be in flight at once (Workers scale out; distilabel used replicas). */
  maxInflightPerStep?: number | undefined;
  /** Larger windows for some steps (LLM steps, from their LLM's concurrency: src/runtime/inflight-window.ts). */
  stepInflight?: Record<string, number> | undefined;
  maxRowsPerFile?: number | undefined;
  maxBytesPerFile?: number | undefined;
  /** Fuse a step with its successor where their batches line up (default true; `step-fusion.ts`). */
  fuseSteps?: boolean | undefined;
  /** Steps that call an LLM (fusion keeps generators off them). */
  llmSteps?: readonly string[] | undefined;
}

export const DEFAULT_MAX_INFLIGHT_PER_STEP = 16;
export const DEFAULT_MAX_ROWS_PER_FILE = 50_000;
/** Row JSON bytes per file: writing Parquet takes about 5x that in heap (bench), far under a Worker's 128 MB. */
export const DEFAULT_MAX_BYTES_PER_FILE = 8 * 1024 * 1024;

/** Builds the run plan from a validated DAG spec. */
export function buildRunPlan(spec: DagSpec, options: RunPlanOptions): RunPlan {
  const dag = new Dag(spec);
  const order = dag.topologicalOrder();
  const { stages, lastSteps } = loadStages(dag, options.loadGroups);
  const stageOf = new Map<string, number>();
  stages.forEach((stage, i) => stage.forEach((name) => stageOf.set(name, i)));
  const leaves = order.filter((name) => dag.successors(name).length === 0);
  const steps = Object.fromEntries(
    order.map((name) => {
      const step = dag.step(name);
      const routing = spec.routing[name];
      return [
        name,
        {
          name,
          kind: step.kind,
          input_batch_size: step.kind === "generator" ? null : (step.inputBatchSize ?? 50),
          batch_size: step.kind === "generator" ? (step.batchSize ?? 50) : null,
          predecessors: dag.predecessors(name),
          successors: dag.successors(name),
          routing: routing ? { type_name: routing.typeName, kwargs: routing.kwargs } : null,
          convergence: step.kind !== "generator" && dag.isConvergenceStep(name),
          leaf: leaves.includes(name),
          stage: stageOf.get(name) ?? 0,
          max_inflight: Math.max(step.replicas ?? 1, options.maxInflightPerStep ?? DEFAULT_MAX_INFLIGHT_PER_STEP, options.stepInflight?.[name] ?? 1),
          fuse_into: null,
        } satisfies RunPlanStep as RunPlanStep,
      ];
    }),
  );
  const fuseInto = fusionTargets(steps, { enabled: options.fuseSteps ?? true, llmSteps: new Set(options.llmSteps ?? []) });
  for (const [name, target] of Object.entries(fuseInto)) (steps[name] as RunPlanStep).fuse_into = target;
  return {
    pipeline_name: options.pipelineName,
    steps,
    order,
    stages,
    stage_last_steps: lastSteps,
    leaves,
    configs: Object.fromEntries(leaves.map((leaf) => [leaf, leaves.length === 1 ? "default" : leaf])),
    dry_run: options.dryRun ?? false,
    seed: options.seed,
    max_inflight_per_step: options.maxInflightPerStep ?? DEFAULT_MAX_INFLIGHT_PER_STEP,
    parquet: {
      max_rows_per_file: options.maxRowsPerFile ?? DEFAULT_MAX_ROWS_PER_FILE,
      max_bytes_per_file: options.maxBytesPerFile ?? DEFAULT_MAX_BYTES_PER_FILE,
    },
  };
}
