import { priceOf, type PriceTable } from "../pricing/price-table.js";
import type { UsageByModel, UsageTotals } from "./usage.js";

/** Sums models into the API's totals; cost is null as soon as one model that made calls has no price. */
export function usageTotals(usage: UsageByModel, prices: PriceTable): UsageTotals {
  const totals: UsageTotals = { requests: 0, input_tokens: 0, output_tokens: 0, cached_requests: 0, cost_usd: 0 };
  for (const entry of Object.values(usage)) {
    totals.requests += entry.requests;
    totals.input_tokens += entry.input_tokens;
    totals.output_tokens += entry.output_tokens;
    totals.cached_requests += entry.cached_requests;
    if (totals.cost_usd === null) continue;
    const billed = entry.input_tokens + entry.output_tokens > 0;
    const price = priceOf(prices, entry.provider, entry.model);
    if (!price) totals.cost_usd = billed ? null : totals.cost_usd;
    else totals.cost_usd += (entry.input_tokens * price.input + entry.output_tokens * price.output) / 1_000_000;
  }
  // Rounded to a billionth of a dollar: float sums of per-token prices carry noise below that.
  if (totals.cost_usd !== null) totals.cost_usd = Math.round(totals.cost_usd * 1e9) / 1e9;
  return totals;
}

/** Totals with the same per model, for the Distiset's manifest and card; undefined when no LLM was called. */
export function usageReport(usage: UsageByModel, prices: PriceTable): (UsageTotals & { by_model: Record<string, UsageTotals> }) | undefined {
  if (Object.keys(usage).length === 0) return undefined;
  const byModel = Object.fromEntries(Object.entries(usage).map(([key, entry]) => [key, usageTotals({ [key]: entry }, prices)]));
  return { ...usageTotals(usage, prices), by_model: byModel };
}
