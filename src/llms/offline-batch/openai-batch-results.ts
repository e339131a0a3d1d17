import { assembleOutput } from "../assemble-output.js";
import { choicesResult, parseOpenAIResponse } from "../providers/openai-response.js";
import { emptyOutput, type GenerateOutput, type StructuredOutput } from "../types.js";
import { batchOutcome, type BatchResultLine } from "./batch-jsonl.js";

interface BatchResultOptions {
  numGenerations: number;
  /** The structured output of each request (replies are validated as online ones are). */
  structured: ReadonlyArray<StructuredOutput | undefined>;
  wantLogprobs: boolean;
  /** Why a request without any result line has none (the job failed, expired or was cancelled). */
  missing: string;
}

/**
 * The outputs of a finished batch, in the order of `customIds`: each request's chat completion
 * read as an online reply would be; a request that failed (an error line, a non-200 response, a
 * body that does not parse, no line at all) gets null generations and its error, as a failed
 * online call does.
 */
export function openaiBatchOutputs(customIds: readonly string[], results: ReadonlyMap<string, BatchResultLine>, options: BatchResultOptions): GenerateOutput[] {
  return customIds.map((customId, i) => {
    const outcome = batchOutcome(results, customId, options.missing);
    if ("error" in outcome) return emptyOutput(options.numGenerations, outcome.error);
    try {
      const result = choicesResult(parseOpenAIResponse(outcome.body, "chat"), options.numGenerations);
      return assembleOutput([result], { numGenerations: options.numGenerations, structured: options.structured[i], wantLogprobs: options.wantLogprobs });
    } catch (error) {
      return emptyOutput(options.numGenerations, error instanceof Error ? error.message : String(error));
    }
  });
}
