import { DagValidationError, OptionError, RuntimeParameterError } from "../errors.js";
import { sha1 } from "../core/hash.js";
import { STEP_NAME_PATTERN } from "../core/naming.js";
import type { BaseStep } from "../steps/base-step.js";
import { Step, GeneratorStep } from "../steps/base-step.js";
import { Dag, type DagSpec } from "./dag.js";
import { loadStages, type LoadGroups, type LoadStages } from "./load-stages.js";
import { withPipeline, type StepHost } from "./pipeline-context.js";
import type { RoutingBatchFunction } from "./routing-batch-function.js";
import { componentSignature, pipelineSignature } from "./signature.js";
import { chainedStepSignatures } from "./step-signatures.js";
import { dagError, validateDag } from "./validate.js";

export interface PipelineOptions {
  name?: string | undefined;
  description?: string | undefined;
  /** Keep the `distilabel_metadata` column in the Distiset (distilabel's `enable_metadata`). */
  enableMetadata?: boolean | undefined;
  /** pip-style requirements carried for distilabel compatibility; informational here. */
  requirements?: string[] | undefined;
}

export type RuntimeParameters = Record<string, Record<string, unknown>>;

/**
 * A DAG of steps. Steps created inside `build` (or given `{ pipeline }`) register themselves;
 * `connect` and `chain` add edges.
 *
 * @example
 * const pipeline = new Pipeline({ name: "quickstart" }).build(() => {
 *   const load = new LoadDataFromDicts({ data: [{ instruction: "Tell me a joke" }] });
 *   const generate = new TextGeneration({ llm: new OpenAILLM({ model: "gpt-4o-mini" }) });
 *   load.connect(generate);
 * });
 */
export class Pipeline implements StepHost {
  private explicitName: string | undefined;
  description: string | undefined;
  enableMetadata: boolean;
  requirements: string[];
  private readonly stepsByName = new Map<string, BaseStep>();
  private readonly edgeList: Array<[string, string]> = [];
  private readonly routing = new Map<string, RoutingBatchFunction>();

  constructor(options: PipelineOptions = {}) {
    if (options.name !== undefined && options.name.trim() === "") {
      throw new OptionError("A pipeline name cannot be empty", { component: "Pipeline", field: "name", expected: "a non-empty string" });
    }
    this.explicitName = options.name;
    this.description = options.description;
    this.enableMetadata = options.enableMetadata ?? false;
    this.requirements = options.requirements ?? [];
  }

  /** distilabel's default: `pipeline_<step1>_<step2>...` when no name was given. */
  get name(): string {
    return this.explicitName ?? `pipeline_${[...this.stepsByName.keys()].join("_")}`;
  }

  /** Runs `define` with this pipeline as the current one, so steps created inside join it. */
  build(define: (pipeline: this) => void): this {
    withPipeline(this, () => define(this));
    return this;
  }

  static define(options: PipelineOptions, define: (pipeline: Pipeline) => void): Pipeline {
    return new Pipeline(options).build(define);
  }

  addStep(step: BaseStep): void {
    const pattern = STEP_NAME_PATTERN.source;
    if (!STEP_NAME_PATTERN.test(step.name)) {
      throw new OptionError(`Step name '${step.name}' is invalid; names match ${pattern}`, { component: step.name, field: "name", expected: pattern });
    }
    if (this.stepsByName.has(step.name)) {
      throw new DagValidationError(`A step named '${step.name}' already exists in pipeline '${this.name}'; step names must be unique`, {
        step: step.name,
        field: "name",
        expected: "a unique step name",
      });
    }
    this.stepsByName.set(step.name, step);
  }

  hasStepNamed(name: string): boolean {
    return this.stepsByName.has(name);
  }

  addEdge(from: string, to: string): void {
    for (const name of [from, to]) {
      if (!this.stepsByName.has(name)) {
        throw new DagValidationError(`Step '${name}' is not part of pipeline '${this.name}'`, { step: name, field: "connections" });
      }
    }
    if (this.edgeList.some(([a, b]) => a === from && b === to)) {
      throw dagError(from, "connections", "each connection once", `There is already a connection from '${from}' to '${to}'`);
    }
    this.edgeList.push([from, to]);
  }

  setRoutingBatchFunction(from: string, fn: RoutingBatchFunction): void {
    if (this.routing.has(from)) {
      throw new DagValidationError(`Step '${from}' already has a routing batch function`, { step: from, field: "routing_batch_functions" });
    }
    this.routing.set(from, fn);
  }

  get steps(): BaseStep[] {
    return [...this.stepsByName.values()];
  }

  get edges(): ReadonlyArray<readonly [string, string]> {
    return this.edgeList;
  }

  routingBatchFunctions(): Map<string, RoutingBatchFunction> {
    return new Map(this.routing);
  }

  step(name: string): BaseStep {
    const step = this.stepsByName.get(name);
    if (!step) throw new DagValidationError(`Step '${name}' is not part of pipeline '${this.name}'`, { step: name });
    return step;
  }

  /** Connections in distilabel's shape: every step with its successors (possibly none). */
  connections(): Array<{ from: string; to: string[] }> {
    return this.steps.map((s) => ({ from: s.name, to: this.edgeList.filter(([a]) => a === s.name).map(([, b]) => b) }));
  }

  /** The graph as plain data, for validation and run planning. */
  dagSpec(): DagSpec {
    return {
      steps: this.steps.map((step) => ({
        name: step.name,
        typeName: step.typeName,
        kind: step.kind,
        inputs: step.getInputs(),
        outputs: step.getOutputs(),
        inputMappings: { ...step.inputMappings },
        outputMappings: { ...step.outputMappings },
        inputBatchSize: step instanceof Step ? step.inputBatchSize : undefined,
        batchSize: step instanceof GeneratorStep ? step.batchSize : undefined,
        acceptsMultipleInputs: step.acceptsMultipleInputs,
        missingRuntimeParameters: step.missingRuntimeParameters(),
        replicas: (step.attrs as { resources?: { replicas?: number } }).resources?.replicas,
      })),
      edges: this.edgeList.map(([a, b]) => [a, b] as [string, string]),
      routing: Object.fromEntries([...this.routing].map(([from, fn]) => [from, { typeName: fn.typeName, kwargs: { ...fn.kwargs } }])),
    };
  }

  dag(): Dag {
    return new Dag(this.dagSpec());
  }

  /** Validates the whole pipeline (inventory 2.1); throws a DagValidationError on the first failure. */
  validate(options: { loadGroups?: LoadGroups | undefined } = {}): LoadStages {
    const spec = this.dagSpec();
    validateDag(spec);
    return loadStages(new Dag(spec), options.loadGroups);
  }

  /**
   * Applies `parameters` in distilabel's nesting: `{ step_name: { input_batch_size: 8, llm: {
   * generation_kwargs: {...} } } }`. Unknown step names and parameters are errors.
   */
  setRuntimeParameters(parameters: RuntimeParameters): void {
    if (typeof parameters !== "object" || parameters === null || Array.isArray(parameters)) {
      throw new RuntimeParameterError("'parameters' must be an object keyed by step name", { parameter: "parameters", expected: "an object" });
    }
    for (const [stepName, values] of Object.entries(parameters)) {
      const step = this.stepsByName.get(stepName);
      if (!step) {
        throw new RuntimeParameterError(
          `Runtime parameters were given for step '${stepName}', which is not part of pipeline '${this.name}'; steps are: ${this.steps.map((s) => s.name).join(", ")}`,
          { step: stepName, parameter: stepName, expected: `one of ${this.steps.map((s) => s.name).join(", ")}` },
        );
      }
      step.setRuntimeParameters(values, [stepName]);
    }
  }

  /** `runtime_parameters_info` of every step, for discovery (`GET /v1/pipelines`). */
  runtimeParametersInfo(): Record<string, unknown> {
    return Object.fromEntries(this.steps.map((s) => [s.name, s.runtimeParametersInfo()]));
  }

  /** distilabel's pipeline signature: names, connections and routing. */
  signature(): string {
    return pipelineSignature({
      steps: this.steps.map((s) => s.name),
      connections: this.connections(),
      routing: [...this.routing].map(([step, fn]) => ({ step, typeName: fn.typeName, kwargs: fn.kwargs })),
    });
  }

  /** Signatures of every step in DAG order, hashed together (distilabel's aggregated signature). */
  aggregatedStepsSignature(): string {
    const order = this.dag().topologicalOrder();
    return sha1(order.map((name) => componentSignature(this.step(name))).join(""));
  }

  /** Each step's reuse signature: its own configuration and every ancestor's (`step-signatures.ts`). */
  stepSignatures(): Record<string, string> {
    return chainedStepSignatures(this.dagSpec(), (name) => componentSignature(this.step(name)));
  }

  stepSignature(name: string): string {
    return componentSignature(this.step(name));
  }

  /** What names a run's cache: the pipeline and every step's configuration. */
  cacheKey(): string {
    return sha1(`${this.name}:${this.signature()}:${this.aggregatedStepsSignature()}`);
  }

  /** Steps with no predecessor that are not generators: where a `dataset` is connected. */
  stepsNeedingInput(): BaseStep[] {
    const targets = new Set(this.edgeList.map(([, b]) => b));
    return this.steps.filter((s) => s.kind !== "generator" && !targets.has(s.name));
  }

  /** The pipeline's input: connects the generator step `generator` makes to every step without a predecessor. */
  attachDataset(generator: (pipeline: Pipeline) => BaseStep): BaseStep {
    const targets = this.stepsNeedingInput();
    const loader = withPipeline(this, () => generator(this));
    for (const target of targets) this.addEdge(loader.name, target.name);
    return loader;
  }
}
