import type { RunPlanStep } from "./run-plan.js";
import type { WorkItem } from "./work.js";

/**
 * Step fusion: a consumer that has just reported a batch runs the successor batch built from it
 * right away, instead of the run sending that batch through the queue to some other consumer.
 * The run still builds the batch, tracks it in flight, leases it and applies its report exactly
 * as if it had come through the queue; fusion only chooses who runs it. Pure functions over
 * plain data, like the rest of the engine.
 */

/** The plan fields fusion reads (a subset of `RunPlanStep`, so the decision can be tested on its own). */
export type FusionPlanStep = Pick<
  RunPlanStep,
  "name" | "kind" | "input_batch_size" | "batch_size" | "predecessors" | "successors" | "routing" | "convergence" | "stage"
>;

export interface FusionOptions {
  /** `fuse_steps: false` turns fusion off for the run (comparison, debugging). */
  enabled: boolean;
  /** Steps that call an LLM: a generator is not fused into them (see `fusionTarget`). */
  llmSteps: ReadonlySet<string>;
}

/**
 * The successor `name` is fused with, or null. Fused only where the successor's batches line up
 * one to one with this step's output batches: its only successor, whose only predecessor it is,
 * with no routing between them, a normal (not global) step that is not a convergence step, in
 * the same load stage, and whose input batch size is the size this step's batches come in (a
 * generator's `batch_size`, a normal step's own `input_batch_size`). The run still checks each
 * batch (`fusedSuccessor`): a step that changes its row count only loses the fusion.
 *
 * A generator runs on the control queue, which must stay quick (its next batch waits behind
 * whatever the invocation runs), so it is not fused into a step that calls an LLM.
 */
export function fusionTarget(name: string, steps: Readonly<Record<string, FusionPlanStep>>, options: FusionOptions): string | null {
  if (!options.enabled) return null;
  const step = steps[name];
  if (!step || step.kind === "global" || step.routing || step.successors.length !== 1) return null;
  const successor = steps[step.successors[0] as string];
  if (successor?.kind !== "normal" || successor.convergence || successor.predecessors.length !== 1) return null;
  if (successor.stage !== step.stage) return null;
  const outputBatchSize = step.kind === "generator" ? step.batch_size : step.input_batch_size;
  if (outputBatchSize === null || outputBatchSize !== successor.input_batch_size) return null;
  if (step.kind === "generator" && options.llmSteps.has(successor.name)) return null;
  return successor.name;
}

/** Every step's fusion target (null where it has none). */
export function fusionTargets(steps: Readonly<Record<string, FusionPlanStep>>, options: FusionOptions): Record<string, string | null> {
  return Object.fromEntries(Object.keys(steps).map((name) => [name, fusionTarget(name, steps, options)]));
}

/**
 * Of the work a report of `reported` dispatches, the batch its consumer runs next: a batch of
 * the step `reported` is fused into, built from rows of `reported`'s output batch and no other
 * (with aligned batch sizes, all of them), so the consumer that just wrote those rows runs it.
 */
export function fusedSuccessor(reported: WorkItem, fuseInto: string | null | undefined, dispatch: readonly WorkItem[]): WorkItem | undefined {
  if (!fuseInto || (reported.type !== "generate" && reported.type !== "process")) return undefined;
  return dispatch.find(
    (work) =>
      work.type === "process" &&
      work.step === fuseInto &&
      !work.accumulated &&
      work.data.length === 1 &&
      work.data[0]?.from === reported.step &&
      work.data[0].slices.length > 0 &&
      work.data[0].slices.every((slice) => slice.seq_no === reported.seq_no),
  );
}
