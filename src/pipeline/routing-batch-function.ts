import { OptionError } from "../errors.js";
import { sample } from "../core/random.js";

/** What a routing function sees when it picks the successors of one batch. */
export interface RoutingContext {
  /** The step that produced the batch. */
  step: string;
  /** The batch's sequence number. */
  seqNo: number;
  /** A PRNG seeded by the run, the step and the batch: replays make the same choice. */
  random: () => number;
}

export type RoutingChooser = (downstreamSteps: string[], context: RoutingContext) => string[];

/**
 * A routing batch function: chooses which successors receive each batch of a step. Built by a
 * named factory so it serializes as `{ type_info: { name }, ...kwargs }` and resolves by name.
 */
export interface RoutingBatchFunction {
  readonly kind: "routing_batch_function";
  readonly typeName: string;
  readonly kwargs: Record<string, unknown>;
  readonly description: string | undefined;
  choose: RoutingChooser;
}

export type RoutingFactory = ((kwargs: Record<string, unknown>) => RoutingBatchFunction) & { readonly typeName: string };

export function isRoutingBatchFunction(value: unknown): value is RoutingBatchFunction {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "routing_batch_function";
}

/**
 * Defines a routing function factory usable by name in serialized pipelines (register it with
 * `registry.registerRouting`). The chooser receives the downstream step names.
 *
 * @example
 * const routeToFirst = defineRoutingBatchFunction("route_to_first", () => (steps) => [steps[0]!]);
 * load.connect(a, b, { routingBatchFunction: routeToFirst({}) });
 */
export function defineRoutingBatchFunction(typeName: string, build: (kwargs: Record<string, unknown>) => RoutingChooser, description?: string): RoutingFactory {
  const factory = (kwargs: Record<string, unknown>): RoutingBatchFunction => ({
    kind: "routing_batch_function",
    typeName,
    kwargs: { ...kwargs },
    description,
    choose: build(kwargs),
  });
  return Object.assign(factory, { typeName });
}

/** distilabel's `sample_n_steps(n)`: every batch goes to `n` successors picked at random. */
export const sampleNStepsFactory: RoutingFactory = defineRoutingBatchFunction(
  "sample_n_steps",
  (kwargs) => {
    const n = kwargs.n;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 1) {
      throw new OptionError(`sample_n_steps: 'n' must be a positive integer, got ${JSON.stringify(n)}`, {
        component: "sample_n_steps",
        field: "n",
        expected: "a positive integer",
      });
    }
    return (steps, context) => sample(steps, n, context.random);
  },
  "Sample n steps from the downstream steps at random for every batch.",
);

export function sampleNSteps(n: number): RoutingBatchFunction {
  return sampleNStepsFactory({ n });
}
