import { enforceStructuredOutput } from "./structured/json-schema-validator.js";
import type { GenerateOutput, StructuredOutput } from "./types.js";
import type { TokenLogprobs } from "./providers/openai-response.js";

/** What one provider request gave: its texts and the usage it reported (undefined when it did not). */
export interface CallResult {
  texts: Array<string | null>;
  inputTokens: number | undefined;
  /** Output tokens of the whole request, shared by its texts. */
  outputTokens: number | undefined;
  logprobs?: Array<TokenLogprobs | null> | undefined;
}

export interface AssembleOptions {
  numGenerations: number;
  structured?: StructuredOutput | undefined;
  wantLogprobs?: boolean | undefined;
  /** Errors of requests that failed while others succeeded (fan-out). */
  errors?: string[] | undefined;
}

/**
 * Builds the `GenerateOutput` of one input from its requests: exactly `numGenerations`
 * generations (missing ones null, with the reason), statistics per generation (-1 where the
 * provider gave no usage), structured output enforced, logprobs as an extra column.
 */
export function assembleOutput(results: CallResult[], options: AssembleOptions): GenerateOutput {
  const n = options.numGenerations;
  const generations: Array<string | null> = [];
  const inputTokens: number[] = [];
  const outputTokens: number[] = [];
  const logprobs: Array<TokenLogprobs | null> = [];
  for (const result of results) {
    const outputs = result.outputTokens !== undefined ? splitEvenly(result.outputTokens, result.texts.length) : undefined;
    result.texts.forEach((text, i) => {
      generations.push(text);
      inputTokens.push(result.inputTokens ?? -1);
      outputTokens.push(outputs?.[i] ?? -1);
      logprobs.push(result.logprobs?.[i] ?? null);
    });
  }
  const errors = [...(options.errors ?? [])];
  if (generations.length < n && errors.length === 0) errors.push(`the provider returned ${generations.length} of ${n} generations`);
  while (generations.length < n) {
    generations.push(null);
    inputTokens.push(0);
    outputTokens.push(0);
    logprobs.push(null);
  }
  const checked = enforceStructuredOutput(generations.slice(0, n), options.structured);
  if (checked.error !== undefined) errors.push(checked.error);
  const output: GenerateOutput = {
    generations: checked.generations,
    statistics: { input_tokens: inputTokens.slice(0, n), output_tokens: outputTokens.slice(0, n) },
  };
  if (errors.length > 0) output.error = errors.join(" | ");
  if (options.wantLogprobs) output.extra = { logprobs: logprobs.slice(0, n) };
  return output;
}

/**
 * Runs `numGenerations` single-generation requests for providers without `n`. A failed request
 * nulls its own generation only; when every request failed, the first error is thrown (so the
 * whole input is recorded as failed, like a single-request provider).
 */
export async function fanOut(numGenerations: number, request: (index: number) => Promise<CallResult>): Promise<{ results: CallResult[]; errors: string[] }> {
  const settled = await Promise.allSettled(Array.from({ length: numGenerations }, (_, i) => request(i)));
  const results: CallResult[] = [];
  const errors: string[] = [];
  for (const outcome of settled) {
    if (outcome.status === "fulfilled") results.push(outcome.value);
    else errors.push(outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason));
  }
  if (results.length === 0) {
    const first = settled[0];
    if (first?.status === "rejected") throw first.reason;
  }
  return { results, errors };
}

/**
 * Splits a total over `n` generations (the first ones take the remainder): providers report one
 * usage per call, and the task writes statistics per generated row.
 */
export function splitEvenly(total: number, n: number): number[] {
  if (n <= 0) return [];
  const base = Math.floor(total / n);
  const remainder = total - base * n;
  return Array.from({ length: n }, (_, i) => base + (i < remainder ? 1 : 0));
}
