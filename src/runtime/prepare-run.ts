import type { Row } from "../core/row.js";
import { buildRunPlan, type RunPlan } from "../engine/run-plan.js";
import { llmStepWindows } from "./inflight-window.js";
import type { LoadGroups } from "../pipeline/load-stages.js";
import type { Pipeline, RuntimeParameters } from "../pipeline/pipeline.js";
import { pipelineToJson, pipelineToYaml } from "../pipeline/serialize.js";
import { GeneratorStep } from "../steps/base-step.js";
import { OptionError } from "../errors.js";
import { assertPipelineEgress } from "../security/pipeline-egress.js";
import { loadSteps } from "./load-steps.js";
import { makeGeneratorStep, type LoadDataFromDicts } from "../steps/builtin/loaders/load-data-from-dicts.js";
import type { StepContext } from "../steps/step-context.js";
import type { BudgetOptions } from "./run-budget-options.js";

/** How to run a pipeline; the same options for in-process and Workers runs (distilabel's `run`). */
export interface RunOptions extends BudgetOptions {
  parameters?: RuntimeParameters | undefined;
  /** Re-serve a finished run with the same signature, resume an unfinished one (default true). */
  useCache?: boolean | undefined;
  /** One batch of `batch_size` 1 from every generator through the whole DAG; never cached. */
  dryRun?: boolean | undefined;
  /** Rows to feed the steps that have no generator (distilabel's `run(dataset=...)`). */
  dataset?: Row[] | undefined;
  datasetBatchSize?: number | undefined;
  loadGroups?: LoadGroups | undefined;
  maxInflightPerStep?: number | undefined;
  maxRowsPerFile?: number | undefined;
  maxBytesPerFile?: number | undefined;
  /** Run a step's successor batch in the invocation that produced its input (default true; `src/engine/step-fusion.ts`). */
  fuseSteps?: boolean | undefined;
}

export interface PreparedRun {
  plan: RunPlan;
  /** Names the cache: pipeline signature plus every step's signature (parameters included). */
  cacheKey: string;
  signature: string;
  pipelineYaml: string;
  pipelineJson: string;
  /**
   * Every step allows its outputs to be reused, so a whole finished run may be served. With a
   * step at `use_cache: false` the run is new, and only that step and what is downstream of it
   * are recomputed (`src/engine/step-reuse.ts`).
   */
  cacheable: boolean;
  /** Step -> its `use_cache`. */
  stepUseCache: Record<string, boolean>;
}

/**
 * Everything before the first batch: the dataset generator, runtime parameters, dry-run batch
 * sizes, column discovery and validation of the whole DAG. Throws on any bad input, so nothing
 * is enqueued for a pipeline that cannot run.
 */
export async function prepareRun(
  pipeline: Pipeline,
  options: RunOptions,
  context: StepContext,
  seed: string,
  /** `load: false` checks the pipeline without loading its steps (validation runs nothing, so it needs no secret). */
  { load = true }: { load?: boolean } = {},
): Promise<PreparedRun> {
  if (options.dataset !== undefined) attachDataset(pipeline, options.dataset, options.datasetBatchSize ?? 50);
  if (options.parameters) pipeline.setRuntimeParameters(options.parameters);
  if (options.dryRun) {
    for (const step of pipeline.steps) if (step instanceof GeneratorStep) (step.attrs as { batchSize: number }).batchSize = 1;
  }
  // Before column discovery, which is the first thing that calls out.
  assertPipelineEgress(pipeline.steps, context.services);
  for (const step of pipeline.steps) await step.resolveColumns({ ...context, stepName: step.name });
  pipeline.validate({ loadGroups: options.loadGroups });
  // Every step once, before anything is enqueued: a missing secret fails the run here.
  if (load) await loadSteps(pipeline.steps, context);
  const stepInflight = llmStepWindows(pipeline, options.maxInflightPerStep);
  // RunOptions carries the plan's options under the same names.
  const built = buildRunPlan(pipeline.dagSpec(), { ...options, pipelineName: pipeline.name, seed, stepInflight, llmSteps: Object.keys(stepInflight) });
  const signatures = pipeline.stepSignatures();
  const plan = { ...built, steps: Object.fromEntries(Object.entries(built.steps).map(([name, step]) => [name, { ...step, signature: signatures[name] }])) };
  return {
    plan,
    stepUseCache: Object.fromEntries(pipeline.steps.map((step) => [step.name, step.useCache])),
    cacheKey: pipeline.cacheKey(),
    signature: pipeline.signature(),
    pipelineYaml: pipelineToYaml(pipeline),
    pipelineJson: pipelineToJson(pipeline),
    cacheable: pipeline.steps.every((step) => step.useCache),
  };
}

/** The loader a pipeline object got for its first `dataset`, so later runs reuse it. */
const datasetLoaders = new WeakMap<Pipeline, LoadDataFromDicts>();

/**
 * distilabel's `run(dataset=...)`: a generator over the rows feeds every step that has no
 * predecessor. Running the same pipeline object again swaps the rows of that loader; attaching
 * a second one would leave it dangling as an extra leaf.
 */
function attachDataset(pipeline: Pipeline, rows: Row[], batchSize: number): void {
  const loader = makeGeneratorStep(rows, { batchSize, pipeline: null });
  const previous = datasetLoaders.get(pipeline);
  if (previous) {
    previous.attrs.data = loader.attrs.data;
    previous.attrs.batchSize = loader.attrs.batchSize;
    return;
  }
  if (pipeline.stepsNeedingInput().length === 0) {
    throw new OptionError(
      "A `dataset` was given, but every root step of the pipeline is already a `GeneratorStep`; pass a `dataset` or create a `GeneratorStep` explicitly, not both",
      { field: "dataset", expected: "a pipeline with a step that has no predecessor" },
    );
  }
  datasetLoaders.set(pipeline, pipeline.attachDataset((host) => makeGeneratorStep(rows, { batchSize, pipeline: host })) as LoadDataFromDicts);
}
