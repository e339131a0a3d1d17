import { z } from "zod";

/** Token counts of one model's calls (what a step reports; summed by the engine). */
export const modelUsageSchema = z.object({
  provider: z.string(),
  model: z.string(),
  /** Calls that reached the provider (failed ones included: they may be billed). */
  requests: z.number().int().nonnegative().default(0),
  input_tokens: z.number().int().nonnegative().default(0),
  output_tokens: z.number().int().nonnegative().default(0),
  /** Calls answered by the response cache: no provider call, no tokens billed. */
  cached_requests: z.number().int().nonnegative().default(0),
});
export type ModelUsage = z.infer<typeof modelUsageSchema>;

/** Usage per model, keyed `provider:model` (see `usageKey`). */
export const usageByModelSchema = z.record(z.string(), modelUsageSchema);
export type UsageByModel = z.infer<typeof usageByModelSchema>;

/** Totals as the API shows them; `cost_usd` is null when some model has no known price. */
export const usageTotalsSchema = z.object({
  requests: z.number().int().nonnegative(),
  input_tokens: z.number().int().nonnegative(),
  output_tokens: z.number().int().nonnegative(),
  cached_requests: z.number().int().nonnegative(),
  cost_usd: z.number().nonnegative().nullable(),
});
export type UsageTotals = z.infer<typeof usageTotalsSchema>;

export function usageKey(provider: string, model: string): string {
  return `${provider}:${model}`;
}

const COUNTS = ["requests", "input_tokens", "output_tokens", "cached_requests"] as const;

/** Adds `b` into a copy of `a`, model by model (pure: the engine's state uses it). */
export function addUsage(a: UsageByModel, b: UsageByModel): UsageByModel {
  const sum: UsageByModel = { ...a };
  for (const [key, entry] of Object.entries(b)) {
    const base = sum[key];
    const merged = { ...(base ?? entry) };
    if (base) for (const field of COUNTS) merged[field] = base[field] + entry[field];
    sum[key] = merged;
  }
  return sum;
}

export interface UsageCall {
  provider: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  cached: boolean;
}

/** Collects the calls of one work item (a step's batch); the report carries `snapshot()`. */
export class UsageRecorder {
  private usage: UsageByModel = {};

  record(call: UsageCall): void {
    const entry: ModelUsage = {
      provider: call.provider,
      model: call.model,
      requests: call.cached ? 0 : 1,
      input_tokens: call.cached ? 0 : Math.max(0, Math.round(call.inputTokens)),
      output_tokens: call.cached ? 0 : Math.max(0, Math.round(call.outputTokens)),
      cached_requests: call.cached ? 1 : 0,
    };
    this.usage = addUsage(this.usage, { [usageKey(call.provider, call.model)]: entry });
  }

  snapshot(): UsageByModel | undefined {
    return Object.keys(this.usage).length > 0 ? structuredClone(this.usage) : undefined;
  }
}
