import { z } from "zod";
import { DagValidationError } from "../errors.js";

export const stepKindSchema = z.enum(["generator", "normal", "global"]);

/** What validation and planning need to know of one step: plain data, no behaviour. */
export const dagStepSchema = z.object({
  name: z.string(),
  typeName: z.string(),
  kind: stepKindSchema,
  /** Dataset column -> required, after input mappings. */
  inputs: z.record(z.string(), z.boolean()),
  /** Dataset columns, after output mappings. */
  outputs: z.array(z.string()),
  inputMappings: z.record(z.string(), z.string()),
  outputMappings: z.record(z.string(), z.string()),
  inputBatchSize: z.number().optional(),
  batchSize: z.number().optional(),
  acceptsMultipleInputs: z.boolean(),
  missingRuntimeParameters: z.array(z.string()),
  /** distilabel's `resources.replicas`: how many batches of the step may run at once, at least. */
  replicas: z.number().int().positive().optional(),
});
export type DagStep = z.infer<typeof dagStepSchema>;

export const dagSpecSchema = z.object({
  steps: z.array(dagStepSchema),
  /** Edges in insertion order. */
  edges: z.array(z.tuple([z.string(), z.string()])),
  /** from step -> routing function (type name and kwargs). */
  routing: z.record(z.string(), z.object({ typeName: z.string(), kwargs: z.record(z.string(), z.unknown()) })),
});
export type DagSpec = z.infer<typeof dagSpecSchema>;

/** Read-only graph queries over a DagSpec. */
export class Dag {
  readonly steps: Map<string, DagStep>;
  private readonly successorsOf = new Map<string, string[]>();
  private readonly predecessorsOf = new Map<string, string[]>();

  constructor(readonly spec: DagSpec) {
    this.steps = new Map(spec.steps.map((s) => [s.name, s]));
    for (const step of spec.steps) {
      this.successorsOf.set(step.name, []);
      this.predecessorsOf.set(step.name, []);
    }
    for (const [from, to] of spec.edges) {
      this.successorsOf.get(from)?.push(to);
      this.predecessorsOf.get(to)?.push(from);
    }
  }

  step(name: string): DagStep {
    const step = this.steps.get(name);
    if (!step) throw new DagValidationError(`Step '${name}' is not part of the pipeline`, { step: name });
    return step;
  }

  names(): string[] {
    return [...this.steps.keys()];
  }

  successors(name: string): string[] {
    return this.successorsOf.get(name) ?? [];
  }

  predecessors(name: string): string[] {
    return this.predecessorsOf.get(name) ?? [];
  }

  leaves(): string[] {
    return this.names().filter((n) => this.successors(n).length === 0);
  }

  /** Kahn's algorithm, stable in definition order; throws on a cycle naming its steps. */
  topologicalOrder(): string[] {
    const indegree = new Map(this.names().map((n) => [n, this.predecessors(n).length]));
    const ready = this.names().filter((n) => indegree.get(n) === 0);
    const order: string[] = [];
    while (ready.length > 0) {
      const name = ready.shift() as string;
      order.push(name);
      for (const next of this.successors(name)) {
        const d = (indegree.get(next) ?? 0) - 1;
        indegree.set(next, d);
        if (d === 0) ready.push(next);
      }
    }
    if (order.length !== this.steps.size) {
      const inCycle = this.names().filter((n) => !order.includes(n));
      throw new DagValidationError(`The pipeline contains a cycle between steps ${inCycle.map((n) => `'${n}'`).join(", ")}`, {
        step: inCycle[0],
        field: "connections",
        expected: "an acyclic graph",
        steps: inCycle,
      });
    }
    return order;
  }

  /**
   * Trophic levels as distilabel computes them: roots are level 1, every other step is one
   * more than the mean level of its predecessors (rounded up, so levels stay integers).
   */
  trophicLevels(): Map<string, number> {
    const levels = new Map<string, number>();
    for (const name of this.topologicalOrder()) {
      const preds = this.predecessors(name);
      if (preds.length === 0) {
        levels.set(name, 1);
        continue;
      }
      const mean = preds.reduce((sum, p) => sum + (levels.get(p) ?? 1), 0) / preds.length;
      levels.set(name, Math.ceil(1 + mean));
    }
    return levels;
  }

  ancestors(name: string): Set<string> {
    const seen = new Set<string>();
    const stack = [...this.predecessors(name)];
    while (stack.length > 0) {
      const current = stack.pop() as string;
      if (seen.has(current)) continue;
      seen.add(current);
      stack.push(...this.predecessors(current));
    }
    return seen;
  }

  /** Steps fed by a routing function (each batch goes to some of them). */
  receivesRoutedBatches(name: string): boolean {
    return this.predecessors(name).some((p) => p in this.spec.routing);
  }

  /** A step whose predecessors all receive routed batches re-joins them (distilabel's convergence step). */
  isConvergenceStep(name: string): boolean {
    const preds = this.predecessors(name);
    return preds.length > 0 && preds.every((p) => this.receivesRoutedBatches(p));
  }
}
