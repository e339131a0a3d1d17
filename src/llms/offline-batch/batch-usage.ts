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
