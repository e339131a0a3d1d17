import type { BaseStep } from "../steps/base-step.js";
import type { RoutingBatchFunction } from "./routing-batch-function.js";

/** What a step needs from the pipeline it belongs to; kept small to avoid an import cycle. */
export interface StepHost {
  readonly name: string | undefined;
  addStep(step: BaseStep): void;
  addEdge(from: string, to: string): void;
  setRoutingBatchFunction(from: string, fn: RoutingBatchFunction): void;
  hasStepNamed(name: string): boolean;
}

/**
 * The pipeline steps are being defined in: the stand-in for distilabel's `with Pipeline():`.
 * A stack so that `Pipeline.build` calls nest; synchronous callbacks only.
 */
const stack: StepHost[] = [];

export function currentPipeline(): StepHost | undefined {
  return stack[stack.length - 1];
}

export function withPipeline<T>(host: StepHost, fn: () => T): T {
  stack.push(host);
  try {
    return fn();
  } finally {
    stack.pop();
  }
}
