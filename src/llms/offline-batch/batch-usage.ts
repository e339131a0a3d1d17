import type { StepContext } from "../../steps/step-context.js";
import type { ChatType, GenerateOutput } from "../types.js";
import { countUsage } from "../usage/count-usage.js";

/**
 * Batch calls are billed apart (OpenAI charges half the list price): their usage is kept under
 * the provider name with this suffix, so the price table prices them on their own.
 */
export const BATCH_PROVIDER_SUFFIX = "/batch";

/** Share of the list price a provider's batch API charges where the price table has no batch price of its own. */
export const BATCH_PRICE_FACTOR = 0.5;

export function batchUsageProvider(provider: string): string {
  return `${provider}${BATCH_PROVIDER_SUFFIX}`;
}

/** One request per input, with the tokens the provider billed (failed requests count without tokens). */
export function recordBatchUsage(context: StepContext, llm: { provider: string; model: string }, prompts: ChatType[], outputs: GenerateOutput[]): void {
  const provider = batchUsageProvider(llm.provider);
  outputs.forEach((output, i) => {
    const tokens = output.error === undefined ? countUsage(prompts[i] ?? [], output) : { inputTokens: 0, outputTokens: 0 };
    context.usage?.record({ provider, model: llm.model, ...tokens, cached: false });
  });
}
