import type { z } from "zod";
import type { Row, StepColumns } from "../core/row.js";
import type { AnyObjectSchema } from "../components/component.js";
import {
  type BaseStep,
  GeneratorStep,
  GlobalStep,
  Step,
  generatorStepAttributes,
  stepAttributes,
  type GeneratorOutput,
  type StepOptions,
} from "./base-step.js";
import type { StepContext } from "./step-context.js";

type Shape = z.ZodRawShape;

interface CommonDefinition<P extends Shape> {
  /** The type name serialized pipelines use (`type_info.name`), like the decorated function's name. */
  name: string;
  inputs?: StepColumns;
  outputs?: StepColumns;
  /** Extra attributes; wrap them with `runtimeParameter(...)` to make them runtime parameters. */
  parameters?: P;
}

export interface NormalStepDefinition<P extends Shape> extends CommonDefinition<P> {
  kind?: "normal" | "global";
  /** Whether the step takes one input list per predecessor. */
  multipleInputs?: boolean;
  process: (inputs: Row[][], parameters: z.output<z.ZodObject<P>>, context: StepContext) => Promise<Row[]> | Row[];
}

export interface GeneratorStepDefinition<P extends Shape> extends CommonDefinition<P> {
  kind: "generator";
  generate: (offset: number, batchSize: number, parameters: z.output<z.ZodObject<P>>, context: StepContext) => Promise<GeneratorOutput> | GeneratorOutput;
}

/**
 * Its parameters are all optional at construction: they are runtime parameters, and a required
 * one left out is reported by validation, filled by the run's `parameters` first.
 */
type DefinedStepOptions<S extends AnyObjectSchema, P extends Shape> = [keyof P] extends [never]
  ? StepOptions<S>
  : Omit<StepOptions<S>, keyof P> & { [K in keyof P]?: z.input<P[K]> };

type DefinedStepClass<S extends AnyObjectSchema, P extends Shape> = {
  new (options?: DefinedStepOptions<S, P>): BaseStep<S>;
  readonly typeName: string;
  readonly componentKind: "step";
  readonly attributes: S;
  fromOptions(options: Record<string, unknown>): BaseStep<S>;
};

/**
 * Builds a step class from a function: the stand-in for distilabel's `@step` decorator.
 * Register the class in the Worker's registry to use it by name in serialized pipelines.
 *
 * @example
 * const Uppercase = defineStep({
 *   name: "Uppercase", inputs: ["text"], outputs: ["upper"],
 *   process: ([rows]) => rows!.map((r) => ({ ...r, upper: String(r.text).toUpperCase() })),
 * });
 */
export function defineStep<P extends Shape = Record<never, never>>(
  definition: NormalStepDefinition<P>,
): DefinedStepClass<z.ZodObject<typeof stepAttributes.shape & P>, P>;
export function defineStep<P extends Shape = Record<never, never>>(
  definition: GeneratorStepDefinition<P>,
): DefinedStepClass<z.ZodObject<typeof generatorStepAttributes.shape & P>, P>;
export function defineStep<P extends Shape>(definition: NormalStepDefinition<P> | GeneratorStepDefinition<P>): unknown {
  const parameterKeys = Object.keys(definition.parameters ?? {});
  const pick = (attrs: Record<string, unknown>): z.output<z.ZodObject<P>> =>
    Object.fromEntries(parameterKeys.map((k) => [k, attrs[k]])) as z.output<z.ZodObject<P>>;

  if (definition.kind === "generator") {
    const schema = generatorStepAttributes.extend(definition.parameters ?? {});
    return class extends GeneratorStep<typeof schema> {
      static override readonly typeName = definition.name;
      static override readonly attributes = schema;
      static override readonly outputs = definition.outputs ?? [];
      async generate(offset: number, context: StepContext): Promise<GeneratorOutput> {
        return definition.generate(offset, this.batchSize, pick(this.attrs as Record<string, unknown>), context);
      }
    };
  }

  const schema = stepAttributes.extend(definition.parameters ?? {});
  const Base = definition.kind === "global" ? GlobalStep : Step;
  const multiple = definition.multipleInputs ?? false;
  return class extends (Base as typeof Step<typeof schema>) {
    static override readonly typeName = definition.name;
    static override readonly attributes = schema;
    static override readonly inputs = definition.inputs ?? [];
    static override readonly outputs = definition.outputs ?? [];
    override readonly acceptsMultipleInputs = multiple;
    async process(rows: Row[][], context: StepContext): Promise<Row[]> {
      return definition.process(rows, pick(this.attrs as Record<string, unknown>), context);
    }
  };
}
