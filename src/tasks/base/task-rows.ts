import { TemplateError } from "../../templates/template-error.js";
import { columnNames, DISTILABEL_METADATA_KEY, type Row, type StepColumns } from "../../core/row.js";
import type { StepContext } from "../../steps/step-context.js";
import type { LLM } from "../../llms/llm.js";
import type { FormattedInput, GenerateOutput, StructuredOutput } from "../../llms/types.js";
import { emptyOutput, splitFormattedInput } from "../../llms/types.js";
import { RowInputError } from "../support/row-input-error.js";

export type TaskAttrs = {
  name: string;
  llm: LLM;
  groupGenerations: boolean;
  addRawOutput: boolean;
  addRawInput: boolean;
  numGenerations: number;
  useDefaultStructuredOutput: boolean;
};

/**
 * The task behaviour shared by `Task` and `GeneratorTask`: formatting outputs, metadata and
 * statistics, failures of parsing that keep the row. Written as functions over the task so the
 * two class hierarchies share one implementation.
 */
export interface TaskLike {
  readonly name: string;
  readonly attrs: TaskAttrs;
  readonly outputs: StepColumns;
  readonly outputMappings: Record<string, string>;
  formatInput(row: Row): FormattedInput;
  formatOutput(output: string | null, input: Row | undefined): Row;
  defaultStructuredOutput(): Record<string, unknown> | undefined;
}

/** Repeats input counts when an LLM reports fewer statistics than generations. */
export function normalizeStatistics(output: GenerateOutput): GenerateOutput {
  const n = output.generations.length;
  const pad = (values: number[]): number[] =>
    values.length >= n ? values.slice(0, n) : Array.from({ length: n }, (_, i) => values[i] ?? values[values.length - 1] ?? 0);
  return { ...output, statistics: { input_tokens: pad(output.statistics.input_tokens), output_tokens: pad(output.statistics.output_tokens) } };
}

function createMetadata(
  task: TaskLike,
  output: Row,
  rawOutput: string | null,
  input: Row | undefined,
  statistics: { input_tokens: number; output_tokens: number } | undefined,
  error: string | undefined,
): Row {
  const existing = output[DISTILABEL_METADATA_KEY];
  const meta: Row = existing && typeof existing === "object" && !Array.isArray(existing) ? { ...(existing as Row) } : {};
  if (task.attrs.addRawOutput) meta[`raw_output_${task.name}`] = rawOutput;
  if (task.attrs.addRawInput) meta[`raw_input_${task.name}`] = input ? rawInputOf(task, input) : null;
  if (statistics) meta[`statistics_${task.name}`] = statistics;
  if (error !== undefined) meta[`error_${task.name}`] = error;
  if (Object.keys(meta).length > 0) output[DISTILABEL_METADATA_KEY] = meta;
  return output;
}

function rawInputOf(task: TaskLike, input: Row): unknown {
  try {
    return splitFormattedInput(task.formatInput(input)).input;
  } catch {
    return null;
  }
}

/** Every declared output set to null, model name kept, raw output preserved. */
export function outputOnFailure(task: TaskLike, rawOutput: string | null, input: Row | undefined, error: string | undefined): Row {
  const out: Row = {};
  for (const column of columnNames(task.outputs)) out[column] = null;
  out.model_name = task.attrs.llm.modelName;
  return createMetadata(task, out, rawOutput, input, undefined, error);
}

/** Formats the `n` generations of one input into `n` output rows (distilabel's `_format_outputs`). */
export function formatOutputs(task: TaskLike, generated: GenerateOutput, input: Row | undefined, logger: StepContext["logger"]): Row[] {
  const output = normalizeStatistics(generated);
  return output.generations.map((text, i) => {
    const statistics = { input_tokens: output.statistics.input_tokens[i] ?? 0, output_tokens: output.statistics.output_tokens[i] ?? 0 };
    if (text === null && output.error !== undefined) return outputOnFailure(task, null, input, output.error);
    try {
      const formatted = task.formatOutput(text, input);
      for (const [key, values] of Object.entries(output.extra ?? {})) formatted[`llm_${task.name}_${key}`] = values[i] ?? null;
      return createMetadata(task, formatted, text, input, statistics, undefined);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      logger.warn(`Task '${task.name}' failed to format output: ${message}. Saving raw response.`);
      return outputOnFailure(task, text, input, undefined);
    }
  });
}

/** Lists of each key across dicts (distilabel's `group_dicts`); metadata becomes a list too. */
export function groupDicts(rows: Row[]): Row {
  const out: Row = {};
  for (const row of rows) {
    for (const [key, value] of Object.entries(row)) {
      const list = (out[key] as unknown[] | undefined) ?? [];
      list.push(value);
      out[key] = list;
    }
  }
  return out;
}

/** A row's prompt, or why the row cannot be prompted (a `RowInputError` from `formatInput`). */
function prepareInput(task: TaskLike, row: Row, logger: StepContext["logger"]): { input: FormattedInput } | { skipped: string } {
  try {
    return { input: task.formatInput(row) };
  } catch (error) {
    // A template over its budget fails this row only, as a row whose input cannot be formatted.
    if (!(error instanceof RowInputError) && !(error instanceof TemplateError && error.kind === "budget")) throw error;
    logger.warn(`Task '${task.name}' skipped a row: ${error.message}. Its outputs are null.`);
    return { skipped: error.message };
  }
}

/**
 * Generates for rows and builds the output rows, one per generation or grouped. Rows whose
 * `formatInput` throws a `RowInputError` skip the LLM and get null outputs with the reason.
 */
export async function generateRows(task: TaskLike, rows: Row[], context: StepContext, formatted?: FormattedInput[]): Promise<Row[]> {
  const llm = task.attrs.llm;
  const numGenerations = task.attrs.numGenerations;
  const prepared = formatted ? formatted.map((input) => ({ input })) : rows.map((row) => prepareInput(task, row, context.logger));
  const sendable = prepared.flatMap((p) => ("input" in p ? [p.input] : []));
  const replies = sendable.length > 0 ? await llm.generate(sendable, { numGenerations, context }) : [];
  let next = 0;
  const outputs = prepared.map((p) => ("input" in p ? replies[next++] : emptyOutput(numGenerations, p.skipped)));
  const result: Row[] = [];
  rows.forEach((input, i) => {
    const generated = outputs[i];
    if (!generated) return;
    const formattedRows = formatOutputs(task, generated, input, context.logger);
    if (task.attrs.groupGenerations) {
      result.push({ ...input, ...groupDicts(formattedRows), model_name: llm.modelName });
      return;
    }
    for (const formattedRow of formattedRows) result.push({ ...input, ...formattedRow, model_name: llm.modelName });
  });
  return result;
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
  getOutputs(task: TaskLike): string[] {
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
