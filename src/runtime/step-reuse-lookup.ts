import type { RunPlan } from "../engine/run-plan.js";
import type { PendingOutput } from "../engine/run-state.js";
import { completeOutputs, decideStepReuse, planWithReuse, type StepOutputSource } from "../engine/step-reuse.js";

/** Where a runtime keeps the outputs of earlier runs' steps (the run index on Workers, memory in-process). */
export interface StepOutputsLookup {
  /** The newest source for each signature it knows. */
  find(signatures: string[]): Promise<Record<string, StepOutputSource>>;
  /** The source's stored outputs of its step, in seq order. */
  outputs(source: StepOutputSource): Promise<PendingOutput[]>;
  /** Drops a source whose outputs are gone or incomplete, so no later run picks it again. */
  forget(source: StepOutputSource): Promise<void>;
}

export interface ResolvedReuse {
  plan: RunPlan;
  /** Outputs to feed the run's batch manager, per reused step it reads. */
  reused: Record<string, PendingOutput[]>;
}

/**
 * Finds the steps of a new run whose outputs an earlier run stored under the same signature,
 * marks them reused in the plan and fetches the outputs the run reads. A source whose outputs
 * turn out incomplete is forgotten and the decision taken again without it.
 */
export async function resolveStepReuse(
  plan: RunPlan,
  options: { useCache: Record<string, boolean>; acceptFailedRows: boolean },
  lookup: StepOutputsLookup,
): Promise<ResolvedReuse> {
  const signatures = Object.values(plan.steps).flatMap((step) => (step.signature ? [step.signature] : []));
  const sources = await lookup.find(signatures);
  for (;;) {
    const decision = decideStepReuse(plan, { ...options, sources });
    const reused: Record<string, PendingOutput[]> = {};
    let broken: StepOutputSource | undefined;
    for (const step of decision.feed) {
      const source = decision.reused[step] as StepOutputSource;
      const outputs = await lookup.outputs(source);
      if (!completeOutputs(outputs)) {
        broken = source;
        break;
      }
      reused[step] = outputs;
    }
    if (!broken) return { plan: planWithReuse(plan, decision.reused), reused };
    await lookup.forget(broken);
    delete sources[broken.signature];
  }
}
