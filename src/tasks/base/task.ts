import { z } from "zod";
import { LIMITS } from "../../security/limits.js";
import { attribute, runtimeParameter } from "../../components/attributes.js";
import type { AnyObjectSchema } from "../../components/component.js";
import type { Row } from "../../core/row.js";
import { GeneratorStep, Step, generatorStepAttributes, stepAttributes, type GeneratorOutput } from "../../steps/base-step.js";
import type { StepContext } from "../../steps/step-context.js";
import { LLM } from "../../llms/llm.js";
import type { FormattedInput } from "../../llms/types.js";
import { OptionError } from "../../errors.js";
import { generateRows, outputOnFailure, taskBehaviour, type TaskAttrs, type TaskLike } from "./task-rows.js";

export { DISTILABEL_METADATA_KEY } from "../../core/row.js";
export * from "./task-rows.js";

const llmSchema = z.custom<LLM>((value) => value instanceof LLM, { message: "an LLM instance (serialized: an object with type_info)" });

/** What `_Task` adds to a step: the LLM and the generation/metadata switches. */
export const taskExtension = {
  llm: attribute(llmSchema, "The LLM that generates the outputs."),
  groupGenerations: attribute(
    z.boolean().default(false),
    "Whether to group the `num_generations` generated per input in a list or create a row per generation.",
  ),
  addRawOutput: runtimeParameter(
    z.boolean().default(true),
    "Whether to include the raw output of the LLM in the key `raw_output_<TASK_NAME>` of the `distilabel_metadata` dictionary output column",
  ),
  addRawInput: runtimeParameter(
    z.boolean().default(true),
    "Whether to include the raw input of the LLM in the key `raw_input_<TASK_NAME>` of the `distilabel_metadata` dictionary column",
  ),
  numGenerations: runtimeParameter(z.number().int().positive().max(LIMITS.numGenerations).default(1), "The number of generations to be produced per input."),
  useDefaultStructuredOutput: attribute(z.boolean().default(false), "Whether to ask the LLM for the task's default JSON schema."),
};

export const taskAttributes = stepAttributes.extend(taskExtension);
export const generatorTaskAttributes = generatorStepAttributes.extend(taskExtension);

/**
 * A step whose outputs come from an LLM (distilabel's `Task`): implement `formatInput`
 * (row -> chat) and `formatOutput` (reply -> columns).
 */
export abstract class Task<S extends AnyObjectSchema = typeof taskAttributes> extends Step<S> implements TaskLike {
  static override readonly attributes: AnyObjectSchema = taskAttributes;
  declare attrs: z.output<S> & TaskAttrs;

  get llm(): LLM {
    return this.attrs.llm;
  }

  abstract formatInput(row: Row): FormattedInput;
  abstract formatOutput(output: string | null, input: Row | undefined): Row;

  /** A JSON schema for the reply, for tasks that have one (`use_default_structured_output`). */
  defaultStructuredOutput(): Record<string, unknown> | undefined {
    return undefined;
  }

  override getOutputs(): string[] {
    return taskBehaviour.getOutputs(this);
  }

  override async load(context: StepContext): Promise<void> {
    await taskBehaviour.load(this, context);
  }

  async process(inputs: Row[][], context: StepContext): Promise<Row[]> {
    return generateRows(this, inputs[0] ?? [], context);
  }

  override imputeOutputs(inputs: Row[][], error: unknown): Row[] {
    const message = error instanceof Error ? error.message : String(error);
    return (inputs[0] ?? []).map((row) => ({ ...row, ...outputOnFailure(this, null, row, message) }));
  }

  /** The prompt this task would send for `row` (distilabel's `print`), as readable text. */
  renderPrompt(row: Row): string {
    return taskBehaviour.renderPrompt(this, row);
  }
}

/** A generator whose rows come from an LLM (distilabel's `GeneratorTask`). */
export abstract class GeneratorTask<S extends AnyObjectSchema = typeof generatorTaskAttributes> extends GeneratorStep<S> implements TaskLike {
  static override readonly attributes: AnyObjectSchema = generatorTaskAttributes;
  declare attrs: z.output<S> & TaskAttrs;

  get llm(): LLM {
    return this.attrs.llm;
  }

  abstract formatOutput(output: string | null, input: Row | undefined): Row;

  /** Generator tasks build their own prompts; `formatInput` is only used for raw-input metadata. */
  formatInput(_row: Row): FormattedInput {
    return [];
  }

  /**
   * The prompt this generator would send for `row` (distilabel's `print`); what `row` may
   * carry (a row index, a system prompt) is up to each generator's `formatInput`.
   */
  renderPrompt(row: Row = {}): string {
    return taskBehaviour.renderPrompt(this, row);
  }

  defaultStructuredOutput(): Record<string, unknown> | undefined {
    return undefined;
  }

  override getOutputs(): string[] {
    return taskBehaviour.getOutputs(this);
  }

  override async load(context: StepContext): Promise<void> {
    if (this.llm.useOfflineBatchGeneration) {
      // A generator's next batch depends on its last one being done; batches of inputs (tasks that process rows) can wait on a job.
      throw new OptionError(
        `Generator task '${this.name}': offline batch generation works in tasks that process rows (TextGeneration, UltraFeedback...), not in generators`,
        { step: this.name, field: "use_offline_batch_generation", expected: "false" },
      );
    }
    await taskBehaviour.load(this, context);
  }

  abstract override generate(offset: number, context: StepContext): Promise<GeneratorOutput>;
}
