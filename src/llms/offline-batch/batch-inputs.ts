import { OptionError } from "../../errors.js";
import type { StepContext } from "../../steps/step-context.js";
import { splitFormattedInput, type ChatType, type FormattedInput, type StructuredOutput } from "../types.js";
import { requireBlobs } from "./offline-batch-record.js";

export interface BatchInput {
  prompt: ChatType;
  structured: StructuredOutput | undefined;
}

/**
 * A step batch's inputs as the chats a batch job sends, each with its structured output (its own,
 * else the LLM's). Batch endpoints take chats only, so a raw prompt is refused for the whole batch;
 * so is a run without storage, where the job could not be remembered.
 */
export function chatBatchInputs(
  context: StepContext,
  inputs: FormattedInput[],
  llmStructuredOutput: StructuredOutput | undefined,
  refusal: string,
): BatchInput[] {
  requireBlobs(context);
  return inputs.map((input) => {
    const { input: prompt, structuredOutput } = splitFormattedInput(input);
    if (typeof prompt === "string") throw new OptionError(refusal, { field: "use_offline_batch_generation", expected: "a task whose inputs are chats" });
    return { prompt, structured: structuredOutput ?? llmStructuredOutput };
  });
}
