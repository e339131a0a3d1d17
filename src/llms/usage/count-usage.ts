import { estimateTokens } from "../chat-text.js";
import type { ChatType, GenerateOutput } from "../types.js";

/**
 * The tokens of one call: the provider's counts (summed over generations), or an estimate where
 * it gave none (`-1`): about 4 characters a token for the prompt (`estimateTokens`) and for each
 * generated text. Estimates are marked nowhere else; docs/architecture.md says how they are made.
 */
export function countUsage(prompt: ChatType | string, output: GenerateOutput): { inputTokens: number; outputTokens: number } {
  const { input_tokens: inputs, output_tokens: outputs } = output.statistics;
  const inputKnown = inputs.length > 0 && inputs.every((n) => n >= 0);
  const outputKnown = outputs.length > 0 && outputs.every((n) => n >= 0);
  return {
    inputTokens: inputKnown ? sum(inputs) : estimateTokens(prompt),
    outputTokens: outputKnown ? sum(outputs) : sum(output.generations.map((text) => (text ? Math.ceil(text.length / 4) : 0))),
  };
}

function sum(values: number[]): number {
  return values.reduce((total, n) => total + n, 0);
}
