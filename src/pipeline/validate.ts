import { DagValidationError } from "../errors.js";
import { Dag, type DagSpec } from "./dag.js";

/** Python's list repr, so messages read as distilabel's do: `['a', 'b']`. */
export function pyList(items: readonly string[]): string {
  return `[${items.map((i) => `'${i}'`).join(", ")}]`;
}

/** A DagValidationError naming the step, the field at fault and what was expected there. */
export function dagError(step: string, field: string, expected: string, message: string): DagValidationError {
  return new DagValidationError(message, { step, field, expected });
}

/**
 * Checks the whole graph before anything runs, distilabel's rules in its order (inventory 2.1).
 * Throws the first failure as a DagValidationError naming the step and the field.
 */
export function validateDag(spec: DagSpec): void {
  const dag = new Dag(spec);
  validateStructure(dag);
  const order = dag.topologicalOrder();
  const levels = dag.trophicLevels();
  const byLevel = [...order].sort((a, b) => (levels.get(a) ?? 0) - (levels.get(b) ?? 0));
  for (const name of byLevel) {
    const step = dag.step(name);
    const preds = dag.predecessors(name);
    // (1) a step fed by several predecessors must take one input list per predecessor
    if (step.kind !== "generator" && preds.length > 1 && !step.acceptsMultipleInputs) {
      throw new DagValidationError(
        `Step '${name}' should receive the outputs of its ${preds.length} predecessors (${pyList(preds)}), but it processes a single input list. Declare it with multiple inputs or connect a single step to it.`,
        { step: name, field: "connections", expected: "a single predecessor" },
      );
    }
    // (2) required runtime parameters
    const missing = step.missingRuntimeParameters[0];
    if (missing !== undefined) {
      const snippet = JSON.stringify(nestParameter(name, missing, "<value>"));
      throw new DagValidationError(
        `Step '${name}' is missing required runtime parameter '${missing}'. Please, provide a value for it when running the pipeline: "parameters": ${snippet}`,
        { step: name, field: `parameters.${name}.${missing}`, expected: "a value for a required runtime parameter" },
      );
    }
    // (3) mapping keys must name real inputs and outputs
    validateMappings(dag, name);
    // (4) roots are generators, generators are roots
    if (preds.length === 0 && step.kind !== "generator") {
      throw new DagValidationError(
        `Step '${name}' cannot be a root step because it is not a \`GeneratorStep\`. It should have a previous step in the pipeline.`,
        { step: name, field: "connections", expected: "a generator step as root, or a predecessor" },
      );
    }
    if (preds.length > 0 && step.kind === "generator") {
      throw new DagValidationError(`Step '${name}' is a \`GeneratorStep\` and cannot receive inputs from ${pyList(preds)}.`, {
        step: name,
        field: "connections",
        expected: "no predecessors for a generator step",
      });
    }
    // (5) required inputs are produced upstream
    if (preds.length > 0) validateInputsAvailable(dag, name);
    // (6) routed batches: one predecessor and a dividing batch size
    if (dag.receivesRoutedBatches(name)) validateRoutedStep(dag, name);
    // (7) convergence after routing
    if (dag.isConvergenceStep(name)) validateConvergenceStep(dag, name);
  }
}

function validateStructure(dag: Dag): void {
  const seen = new Set<string>();
  for (const step of dag.spec.steps) {
    if (seen.has(step.name)) {
      throw dagError(step.name, "name", "a unique step name", `Two steps are named '${step.name}'; step names must be unique in a pipeline`);
    }
    seen.add(step.name);
    for (const [field, size] of Object.entries({ input_batch_size: step.inputBatchSize, batch_size: step.batchSize })) {
      if (size !== undefined && (!Number.isInteger(size) || size < 1)) {
        throw dagError(step.name, field, "a positive integer", `Step '${step.name}' has ${field}=${size}; it must be a positive integer`);
      }
    }
  }
  const edges = new Set<string>();
  for (const [from, to] of dag.spec.edges) {
    for (const end of [from, to]) {
      if (!dag.steps.has(end)) {
        throw new DagValidationError(`A connection names step '${end}', which is not part of the pipeline; steps are ${pyList(dag.names())}`, {
          step: end,
          field: "connections",
          expected: `one of ${pyList(dag.names())}`,
        });
      }
    }
    if (from === to) {
      throw dagError(from, "connections", "an acyclic graph", `Step '${from}' cannot be connected to itself`);
    }
    const key = `${from}\u0000${to}`;
    if (edges.has(key)) {
      throw dagError(from, "connections", "each connection once", `There is already a connection from '${from}' to '${to}'`);
    }
    edges.add(key);
  }
  for (const from of Object.keys(dag.spec.routing)) {
    if (!dag.steps.has(from)) {
      throw new DagValidationError(`A routing batch function is set for step '${from}', which is not part of the pipeline`, {
        step: from,
        field: "routing_batch_functions",
        expected: `one of ${pyList(dag.names())}`,
      });
    }
    if (dag.successors(from).length === 0) {
      throw new DagValidationError(`Step '${from}' has a routing batch function but no downstream steps to route to`, {
        step: from,
        field: "routing_batch_functions",
        expected: "a step with successors",
      });
    }
  }
  if (dag.spec.steps.length === 0) {
    throw new DagValidationError("The pipeline has no steps", { field: "steps", expected: "at least one generator step" });
  }
}

function validateMappings(dag: Dag, name: string): void {
  const step = dag.step(name);
  const sides = [
    { side: "input", mappings: step.inputMappings, columns: Object.keys(step.inputs) },
    { side: "output", mappings: step.outputMappings, columns: step.outputs },
  ];
  for (const { side, mappings, columns } of sides) {
    const raw = columns.map((column) => originalName(mappings, column));
    for (const key of Object.keys(mappings)) {
      if (raw.includes(key)) continue;
      throw new DagValidationError(
        `The ${side} columns '${key}' of the ${side} mappings are not valid. Please provide ${side} columns that are valid for the step '${name}': ${pyList(raw)}`,
        { step: name, field: `${side}_mappings.${key}`, expected: `one of ${pyList(raw)}` },
      );
    }
  }
}

function originalName(mappings: Record<string, string>, column: string): string {
  for (const [from, to] of Object.entries(mappings)) if (to === column) return from;
  return column;
}

function validateInputsAvailable(dag: Dag, name: string): void {
  const step = dag.step(name);
  const available: string[] = [];
  for (const ancestor of dag.ancestors(name)) {
    for (const column of dag.step(ancestor).outputs) if (!available.includes(column)) available.push(column);
  }
  const required = Object.entries(step.inputs)
    .filter(([, req]) => req)
    .map(([column]) => column);
  const missing = required.filter((column) => !available.includes(column));
  if (missing.length > 0) {
    throw new DagValidationError(
      `Step '${name}' requires inputs ${pyList(required)}, but only the inputs=${pyList(available)} are available, which means that the inputs=${pyList(missing)} are missing or not available when the step gets to be executed in the pipeline. Please make sure previous steps to '${name}' are generating the required inputs.`,
      { step: name, field: "inputs", expected: pyList(required), missing, available },
    );
  }
}

function upstreamBatchSize(dag: Dag, name: string): number | undefined {
  const step = dag.step(name);
  return step.kind === "generator" ? step.batchSize : step.inputBatchSize;
}

function validateRoutedStep(dag: Dag, name: string): void {
  const preds = dag.predecessors(name);
  const routedFrom = preds.find((p) => p in dag.spec.routing) as string;
  if (preds.length > 1) {
    throw new DagValidationError(
      `Step '${name}' cannot have multiple predecessors when the batches of one are being routed with a \`routing_batch_function\`.`,
      { step: name, field: "connections", expected: `only '${routedFrom}' as predecessor` },
    );
  }
  const step = dag.step(name);
  const upstream = upstreamBatchSize(dag, routedFrom);
  if (step.kind === "global" || step.inputBatchSize === undefined || upstream === undefined) return;
  if (step.inputBatchSize > upstream) {
    throw new DagValidationError(
      `Step '${name}' should have an \`input_batch_size\` equal or lower than the \`batch_size\` or \`input_batch_size\` of '${routedFrom}' step (${step.inputBatchSize} > ${upstream}). This is because the batches are being routed with a \`routing_batch_function\` from '${routedFrom}' step to '${name}' step.`,
      { step: name, field: "input_batch_size", expected: `at most ${upstream}` },
    );
  }
  if (upstream % step.inputBatchSize !== 0) {
    throw new DagValidationError(
      `Step '${name}' should have an \`input_batch_size\` that divides the \`batch_size\` or \`input_batch_size\` of '${routedFrom}' step (${upstream} is not a multiple of ${step.inputBatchSize}). This is because the batches are being routed with a \`routing_batch_function\` from '${routedFrom}' step to '${name}' step.`,
      { step: name, field: "input_batch_size", expected: `a divisor of ${upstream}` },
    );
  }
}

function validateConvergenceStep(dag: Dag, name: string): void {
  const preds = dag.predecessors(name);
  const upstreams = new Set(preds.flatMap((p) => dag.predecessors(p)));
  if (upstreams.size > 1) {
    throw new DagValidationError(
      `Step '${name}' is a convergence step, but its predecessors ${pyList(preds)} receive routed batches from different steps (${pyList([...upstreams])}); they must all come from the same step.`,
      { step: name, field: "connections", expected: "predecessors routed from a single step" },
    );
  }
  const step = dag.step(name);
  if (step.inputBatchSize === undefined || step.kind === "global") return;
  for (const pred of preds) {
    const size = upstreamBatchSize(dag, pred);
    if (size !== undefined && step.inputBatchSize > size) {
      throw new DagValidationError(
        `Step '${name}' should have an \`input_batch_size\` equal or lower than the \`input_batch_size\` of '${pred}' step (${step.inputBatchSize} > ${size}), as it is a convergence step re-joining routed batches.`,
        { step: name, field: "input_batch_size", expected: `at most ${size}` },
      );
    }
  }
}

function nestParameter(step: string, dotted: string, value: unknown): Record<string, unknown> {
  return { [step]: dotted.split(".").reduceRight<unknown>((inner, part) => ({ [part]: inner }), value) };
}
