import { z } from "zod";
import { pendingOutputSchema, type PendingOutput } from "./run-state.js";
import type { RunPlan } from "./run-plan.js";

/** A step's complete outputs stored by an earlier run, as the run index knows them. */
export const stepOutputSourceSchema = z.object({
  signature: z.string(),
  step: z.string(),
  run_id: z.string(),
  /** Rows of those outputs imputed as null: such outputs are reused only when the run accepts failed rows. */
  failed_rows: z.number().int().nonnegative(),
  routing_seed: z.string(),
});
export type StepOutputSource = z.infer<typeof stepOutputSourceSchema>;

/** What a new run reuses: step -> the source of its outputs; `feed` lists the reused steps whose batches the run reads. */
export interface ReuseDecision {
  reused: Record<string, StepOutputSource>;
  /** Reused steps with a recomputed successor, or leaves: their batches go into the run's batch manager. */
  feed: string[];
}

/**
 * distilabel 1.5's partial reuse: a step is reused when it allows it (`use_cache`), an earlier
 * run stored its complete outputs under the same signature (without failed rows, unless
 * accepted) and every predecessor is reused too, so a recomputed (or `use_cache: false`) step
 * recomputes everything downstream of it.
 */
export function decideStepReuse(
  plan: RunPlan,
  options: { useCache: Record<string, boolean>; sources: Record<string, StepOutputSource>; acceptFailedRows: boolean },
): ReuseDecision {
  const reused: Record<string, StepOutputSource> = {};
  for (const name of plan.order) {
    const step = plan.steps[name];
    const source = step?.signature ? options.sources[step.signature] : undefined;
    const allowed = step && source && options.useCache[name] !== false && (source.failed_rows === 0 || options.acceptFailedRows);
    if (allowed && step.predecessors.every((pred) => reused[pred])) reused[name] = source;
  }
  const feed = plan.order.filter((name) => {
    const step = plan.steps[name];
    return reused[name] && step && (step.leaf || step.successors.some((s) => !reused[s]));
  });
  return { reused, feed };
}

/** The plan with its reused steps marked (which earlier run, and the routing seed their outputs were routed with). */
export function planWithReuse(plan: RunPlan, reused: Record<string, StepOutputSource>): RunPlan {
  const steps = Object.fromEntries(
    Object.entries(plan.steps).map(([name, step]) => {
      const source = reused[name];
      return [name, source ? { ...step, reused_from: source.run_id, routing_seed: source.routing_seed } : step];
    }),
  );
  return { ...plan, steps };
}

export const storedOutputsSchema = z.array(pendingOutputSchema);

/**
 * Whether stored outputs are a step's whole output: seq_nos 0..n-1 with the last one (and only
 * it) the last batch. Anything else (a run cut off mid-step) is not reused.
 */
export function completeOutputs(outputs: readonly PendingOutput[]): boolean {
  return outputs.length > 0 && outputs.every((o, i) => o.seq_no === i && o.last_batch === (i === outputs.length - 1));
}

/** The steps a finished (or ended) run may offer for reuse: computed here, completed by their own last batch. */
export function reusableSteps(
  plan: RunPlan,
  steps: Record<string, { done: boolean; flagged: boolean; failed_rows?: number | undefined }>,
): Array<{ step: string; signature: string; failed_rows: number }> {
  return plan.order.flatMap((name) => {
    const planned = plan.steps[name];
    const state = steps[name];
    if (!planned?.signature || planned.reused_from || !state?.done || state.flagged) return [];
    return [{ step: name, signature: planned.signature, failed_rows: state.failed_rows ?? 0 }];
  });
}

/** One log line per reused step, naming the run whose outputs it reuses. */
export function reuseLogLines(plan: RunPlan): string[] {
  return plan.order.flatMap((name) => {
    const source = plan.steps[name]?.reused_from;
    return source ? [`Step '${name}' reused from run '${source}' (signature unchanged): not computed again`] : [];
  });
}
