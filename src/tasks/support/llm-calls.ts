import type { Row } from "../../core/row.js";
import type { LLM } from "../../llms/llm.js";
import type { FormattedInput } from "../../llms/types.js";
import { splitFormattedInput } from "../../llms/types.js";
import type { StepContext } from "../../steps/step-context.js";
import { DISTILABEL_METADATA_KEY, groupDicts, type TaskLike } from "../base/task.js";

/**
 * Helpers for tasks that call the LLM several times per row (evolutions, Magpie turns) and so
 * cannot use the one-call `generateRows` path.
 */

/** One generation for one prompt: the text or null, and its token counts. */
export interface CallResult {
  text: string | null;
  error: string | undefined;
  inputTokens: number;
  outputTokens: number;
}

/** Generates once for each input, in order, with the LLM's bounded concurrency. */
export async function generateEach(llm: LLM, inputs: FormattedInput[], context: StepContext): Promise<CallResult[]> {
  if (inputs.length === 0) return [];
  const outputs = await llm.generate(inputs, { numGenerations: 1, context });
  return inputs.map((_, i) => {
    const output = outputs[i];
    const text = output?.generations[0] ?? null;
    return {
      text,
      error: output?.error ?? (text === null ? "the LLM returned no generation" : undefined),
      inputTokens: output?.statistics.input_tokens[0] ?? 0,
      outputTokens: output?.statistics.output_tokens[0] ?? 0,
    };
  });
}

/**
 * Sends one prompt per item (one batched call), records each call on the item's trace and hands
 * the item its result.
 */
export async function generateFor<T extends { trace: CallTrace }>(
  llm: LLM,
  items: T[],
  prompt: (item: T) => FormattedInput,
  context: StepContext,
  onResult: (item: T, result: CallResult) => void,
): Promise<void> {
  const prompts = items.map(prompt);
  const results = await generateEach(llm, prompts, context);
  items.forEach((item, i) => {
    const result = results[i];
    const sent = prompts[i];
    if (!result || sent === undefined) return;
    item.trace.record(sent, result);
    onResult(item, result);
  });
}

/** What one row's calls leave behind: the last prompt and reply, summed token counts, a failure. */
export class CallTrace {
  lastInput: FormattedInput | undefined;
  lastOutput: string | null = null;
  inputTokens = 0;
  outputTokens = 0;
  error: string | undefined;

  record(input: FormattedInput, result: CallResult): void {
    this.lastInput = input;
    this.lastOutput = result.text;
    this.inputTokens += result.inputTokens;
    this.outputTokens += result.outputTokens;
  }

  fail(reason: string): void {
    this.error ??= reason;
  }
}

/**
 * Adds `distilabel_metadata` to an output row from its trace: the last raw reply and prompt (as
 * `add_raw_output`/`add_raw_input` allow), the summed statistics, and the failure if any.
 */
export function withTraceMetadata(task: TaskLike, row: Row, trace: CallTrace): Row {
  const meta: Row = {};
  if (task.attrs.addRawOutput) meta[`raw_output_${task.name}`] = trace.lastOutput;
  if (task.attrs.addRawInput) meta[`raw_input_${task.name}`] = trace.lastInput === undefined ? null : splitFormattedInput(trace.lastInput).input;
  meta[`statistics_${task.name}`] = { input_tokens: trace.inputTokens, output_tokens: trace.outputTokens };
  if (trace.error !== undefined) meta[`error_${task.name}`] = trace.error;
  return { ...row, [DISTILABEL_METADATA_KEY]: meta };
}

/**
 * Builds the step's output rows: for each input, its generated rows one by one, or grouped in
 * lists when `group_generations` is on; every row gets `model_name`.
 */
export function emitRows(task: TaskLike, inputs: Row[], generated: Row[][]): Row[] {
  const modelName = task.attrs.llm.modelName;
  return inputs.flatMap((input, i) => {
    const rows = generated[i] ?? [];
    if (task.attrs.groupGenerations) return [{ ...input, ...groupDicts(rows), model_name: modelName }];
    return rows.map((row) => ({ ...input, ...row, model_name: modelName }));
  });
}
