import { OptionError } from "../../errors.js";
import { splitFormattedInput, type ChatType, type FormattedInput, type StructuredOutput } from "../types.js";

export interface BatchInput {
  prompt: ChatType;
  structured: StructuredOutput | undefined;
}

/**
 * A step batch's inputs as the chats a batch job sends, each with its structured output (its own,
 * else the LLM's). Batch endpoints take chats only, so a raw prompt is refused for the whole batch.
 */
export function chatBatchInputs(inputs: FormattedInput[], llmStructuredOutput: StructuredOutput | undefined, refusal: string): BatchInput[] {
  return inputs.map((input) => {
    const { input: prompt, structuredOutput } = splitFormattedInput(input);
    if (typeof prompt === "string") throw new OptionError(refusal, { field: "use_offline_batch_generation", expected: "a task whose inputs are chats" });
    return { prompt, structured: structuredOutput ?? llmStructuredOutput };
  });
}
