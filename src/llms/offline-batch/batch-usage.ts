import type { StepContext } from "../../steps/step-context.js";
import type { GenerateOutput } from "../types.js";
import { countUsage } from "../usage/count-usage.js";
import type { BatchInput } from "./batch-inputs.js";
import type { OfflineBatchLLM } from "./offline-batch-job.js";

/**
 * Batch calls are billed apart (OpenAI charges half the list price): their usage is kept under
 * the provider name with this suffix, so the price table prices them on their own.
 */
export const BATCH_PROVIDER_SUFFIX = "/batch";

/** Share of the list price a provider's batch API charges where the price table has no batch price of its own. */
export const BATCH_PRICE_FACTOR = 0.5;

/**
 * Logs how a finished job went (`job` names it, `unit` what its outputs count) and records its
 * usage: one request per input, with the tokens the provider billed (failed requests count without tokens).
 */
export function finishBatch(
  context: StepContext,
  llm: OfflineBatchLLM,
  prepared: BatchInput[],
  outputs: GenerateOutput[],
  job: string,
  unit: string,
): GenerateOutput[] {
  const failed = outputs.filter((o) => o.error !== undefined).length;
  context.logger.info(`${job}: ${outputs.length - failed} ${unit} answered, ${failed} failed`);
  const provider = `${llm.provider}${BATCH_PROVIDER_SUFFIX}`;
  outputs.forEach((output, i) => {
    const tokens = output.error === undefined ? countUsage(prepared[i]?.prompt ?? [], output) : { inputTokens: 0, outputTokens: 0 };
    context.usage?.record({ provider, model: llm.model, ...tokens, cached: false });
  });
  return outputs;
}
