import { StepLoadError, toDistilflareError } from "../errors.js";
import type { BaseStep } from "../steps/base-step.js";
import type { StepContext } from "../steps/step-context.js";

/**
 * Loads steps (distilabel loads a stage's steps before its first batch). A step that cannot
 * load (a missing secret, a bad client setting) fails the run with every failing step named:
 * its rows are never imputed as null. Loading is cheap: keys resolved, clients built, no model called.
 */
export async function loadSteps(steps: readonly BaseStep[], context: StepContext): Promise<void> {
  const failures: Array<{ step: string; code: string; message: string }> = [];
  for (const step of steps) {
    try {
      await step.load({ ...context, stepName: step.name });
    } catch (error) {
      const failure = toDistilflareError(error);
      failures.push({ step: step.name, code: failure.code, message: failure.message });
    }
  }
  if (failures.length > 0) throw new StepLoadError(failures);
}
