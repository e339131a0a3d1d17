import { OptionError } from "../errors.js";
import { BaseStep } from "../steps/base-step.js";
import { isRoutingBatchFunction, type RoutingBatchFunction } from "./routing-batch-function.js";

export type ChainLink = BaseStep | BaseStep[] | RoutingBatchFunction;

/**
 * Connects links left to right, the way distilabel's `>>` reads:
 * `chain(load, sampleNSteps(2), [t1, t2, t3], combine)` is `load >> sample_two >> [t1, t2, t3] >> combine`.
 * A routing function applies to the connection that follows it.
 */
export function chain(...links: ChainLink[]): void {
  let previous: BaseStep[] | undefined;
  let routing: RoutingBatchFunction | undefined;
  links.forEach((link, index) => {
    if (isRoutingBatchFunction(link)) {
      if (previous?.length !== 1 || routing) {
        throw new OptionError("A routing batch function must follow a single step in a chain", {
          field: `chain[${index}]`,
          expected: "step >> routing function >> [steps]",
        });
      }
      routing = link;
      return;
    }
    const current = Array.isArray(link) ? link : [link];
    if (current.length === 0 || !current.every((s) => s instanceof BaseStep)) {
      throw new OptionError(`chain[${index}] must be a step or a non-empty list of steps`, { field: `chain[${index}]`, expected: "a step or a list of steps" });
    }
    if (previous) {
      if (previous.length > 1 && current.length > 1) {
        throw new OptionError("A list of steps cannot be chained to another list of steps", {
          field: `chain[${index}]`,
          expected: "a single step on one side",
        });
      }
      if (previous.length === 1) {
        const from = previous[0] as BaseStep;
        from.connect(...current, routing ? { routingBatchFunction: routing } : {});
      } else {
        for (const from of previous) from.connect(current[0] as BaseStep);
      }
    }
    routing = undefined;
    previous = current;
  });
  if (routing) throw new OptionError("A chain cannot end with a routing batch function", { field: "chain", expected: "steps after the routing function" });
}
