import { columnNames, DISTILABEL_METADATA_KEY, type Row, type StepColumns } from "../../core/row.js";
import type { StepContext } from "../../steps/step-context.js";
import type { FormattedInput, StructuredOutput } from "../../llms/types.js";
import { splitFormattedInput } from "../../llms/types.js";
import type { TaskLike } from "./task-rows.js";

/** A task as the shared behaviour sees it: the row-level task plus its output mappings. */
export interface TaskWithMappings extends TaskLike {
  readonly outputMappings: Record<string, string>;
}

/** Sets the task's default structured output on its LLM when asked to and none is set. */
export function applyDefaultStructuredOutput(task: TaskLike): void {
  const schema = task.defaultStructuredOutput();
  if (!schema || !task.attrs.useDefaultStructuredOutput || task.attrs.llm.structuredOutput) return;
  task.attrs.llm.structuredOutput = { format: "json", schema, name: task.name } satisfies StructuredOutput;
}

/** Task outputs as dataset columns: the declared ones plus `model_name` and the metadata column. */
export function taskOutputs(outputs: StepColumns): string[] {
  const names = columnNames(outputs);
  for (const extra of ["model_name", DISTILABEL_METADATA_KEY]) if (!names.includes(extra)) names.push(extra);
  return names;
}

/** A formatted input as readable text: each message under its role, a raw prompt as it is. */
export function promptText(formatted: FormattedInput): string {
  const { input, structuredOutput } = splitFormattedInput(formatted);
  const body =
    typeof input === "string"
      ? input
      : input
          .map(
            (m) =>
              `[${m.role}]\n${typeof m.content === "string" ? m.content : m.content.map((c) => (c.type === "text" ? c.text : `<image ${c.image_url.url}>`)).join("\n")}`,
          )
          .join("\n\n");
  return structuredOutput ? `${body}\n\n[structured output]\n${JSON.stringify(structuredOutput.schema, null, 2)}` : body;
}

/**
 * What `Task` and `GeneratorTask` do alike, written once: both class hierarchies (one under
 * `Step`, one under `GeneratorStep`) delegate their step methods here.
 */
export const taskBehaviour = {
  /** Output columns as dataset names: the declared ones plus `model_name` and metadata, mapped. */
  getOutputs(task: TaskWithMappings): string[] {
    return taskOutputs(task.outputs).map((column) => task.outputMappings[column] ?? column);
  },

  async load(task: TaskLike, context: StepContext): Promise<void> {
    applyDefaultStructuredOutput(task);
    await task.attrs.llm.load(context);
  },

  /** The prompt the task would send for `row` (distilabel's `print`), as readable text. */
  renderPrompt(task: TaskLike, row: Row): string {
    return promptText(task.formatInput(row));
  },
};
