import { describe, expect, it } from "vitest";
import { DEFAULT_PRICES, ownerPrices, priceTable } from "../../../src/llms/pricing/price-table.js";
import { countUsage } from "../../../src/llms/usage/count-usage.js";
import { addUsage, UsageRecorder } from "../../../src/llms/usage/usage.js";
import { usageTotals } from "../../../src/llms/usage/usage-totals.js";

describe("usage and cost", () => {
  it("sums calls per model and prices them from the table", () => {
    const recorder = new UsageRecorder();
    recorder.record({ provider: "OpenAILLM", model: "gpt-4o-mini", inputTokens: 1_000_000, outputTokens: 500_000, cached: false });
    recorder.record({ provider: "OpenAILLM", model: "gpt-4o-mini", inputTokens: 0, outputTokens: 0, cached: true });
    const usage = addUsage(recorder.snapshot() ?? {}, recorder.snapshot() ?? {});
    expect(usage["OpenAILLM:gpt-4o-mini"]).toMatchObject({ requests: 2, cached_requests: 2, input_tokens: 2_000_000, output_tokens: 1_000_000 });
    expect(usageTotals(usage, DEFAULT_PRICES)).toEqual({ requests: 2, cached_requests: 2, input_tokens: 2_000_000, output_tokens: 1_000_000, cost_usd: 0.9 });
  });

  it("shows tokens with a null cost for a model without a price, and the owner's LLM_PRICES price it", () => {
    const recorder = new UsageRecorder();
    recorder.record({ provider: "OpenAILLM", model: "my-vllm-model", inputTokens: 2_000_000, outputTokens: 0, cached: false });
    const usage = recorder.snapshot() ?? {};
    expect(usageTotals(usage, DEFAULT_PRICES)).toMatchObject({ input_tokens: 2_000_000, cost_usd: null });
    const prices = priceTable(JSON.stringify({ OpenAILLM: { "my-vllm-model": { input: 0.5, output: 1 } } }));
    expect(usageTotals(usage, prices).cost_usd).toBe(1);
    expect(prices.OpenAILLM?.["gpt-4o-mini"]).toEqual(DEFAULT_PRICES.OpenAILLM?.["gpt-4o-mini"]);
  });

  it("names the field of a bad LLM_PRICES, and run status falls back to the defaults", () => {
    expect(() => priceTable('{"OpenAILLM": {"m": {"input": "cheap"}}}')).toThrow(/LLM_PRICES: OpenAILLM\.m\.input/);
    expect(() => priceTable("not json")).toThrow(/not valid JSON/);
    expect(ownerPrices({ LLM_PRICES: "not json" })).toBe(DEFAULT_PRICES);
  });

  it("counts tokens from the provider, or estimates them (4 characters a token) when it gave none", () => {
    const known = countUsage("a prompt", { generations: ["x", "y"], statistics: { input_tokens: [5, 5], output_tokens: [2, 3] } });
    expect(known).toEqual({ inputTokens: 10, outputTokens: 5 });
    const estimated = countUsage("12345678", { generations: ["abcdefgh", null], statistics: { input_tokens: [-1, -1], output_tokens: [-1, -1] } });
    expect(estimated).toEqual({ inputTokens: 2, outputTokens: 2 });
  });
});
