import { z } from "zod";
import { OptionError } from "../../errors.js";
import { BATCH_PRICE_FACTOR, BATCH_PROVIDER_SUFFIX } from "../offline-batch/batch-usage.js";

/** USD per million tokens, input and output. */
export const modelPriceSchema = z.object({ input: z.number().nonnegative(), output: z.number().nonnegative() }).strict();
export type ModelPrice = z.infer<typeof modelPriceSchema>;

/** Provider (LLM type name) -> model -> price. */
export const priceTableSchema = z.record(z.string(), z.record(z.string(), modelPriceSchema));
export type PriceTable = z.infer<typeof priceTableSchema>;

/** The variable holding the owner's prices, a JSON price table merged over the defaults. */
export const PRICES_VARIABLE = "LLM_PRICES";

/**
 * List prices (USD per 1M tokens, standard tier, no batch or cache discounts) as published by
 * the providers in 2025. They drift: the owner corrects or extends them with `LLM_PRICES`.
 * A model not listed here has tokens but `cost_usd: null`.
 */
export const DEFAULT_PRICES: PriceTable = {
  OpenAILLM: {
    "gpt-4o": { input: 2.5, output: 10 },
    "gpt-4o-mini": { input: 0.15, output: 0.6 },
    "gpt-4.1": { input: 2, output: 8 },
    "gpt-4.1-mini": { input: 0.4, output: 1.6 },
    "gpt-4.1-nano": { input: 0.1, output: 0.4 },
    "o3-mini": { input: 1.1, output: 4.4 },
  },
  AnthropicLLM: {
    "claude-3-5-haiku-latest": { input: 0.8, output: 4 },
    "claude-3-5-sonnet-latest": { input: 3, output: 15 },
    "claude-3-7-sonnet-latest": { input: 3, output: 15 },
  },
};

/** The defaults with the owner's table (the `LLM_PRICES` value) merged over them, model by model. */
export function priceTable(ownerJson: string | undefined): PriceTable {
  if (!ownerJson) return DEFAULT_PRICES;
  let parsed: unknown;
  try {
    parsed = JSON.parse(ownerJson);
  } catch {
    throw new OptionError(`${PRICES_VARIABLE} is not valid JSON`, {
      field: PRICES_VARIABLE,
      expected: '{"<provider>": {"<model>": {"input": <usd per 1M>, "output": <usd per 1M>}}}',
    });
  }
  const result = priceTableSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new OptionError(`${PRICES_VARIABLE}: ${issue?.path.join(".") ?? ""} ${issue?.message ?? "invalid"}`, {
      field: `${PRICES_VARIABLE}.${issue?.path.join(".") ?? ""}`,
      expected: "USD per 1M tokens as {input, output}",
    });
  }
  const merged: PriceTable = { ...DEFAULT_PRICES };
  for (const [provider, models] of Object.entries(result.data)) merged[provider] = { ...merged[provider], ...models };
  return merged;
}

/**
 * A model's price; batch usage (`<provider>/batch`) takes the table's own batch entry, else the
 * list price at the batch discount.
 */
export function priceOf(table: PriceTable, provider: string, model: string): ModelPrice | undefined {
  const own = table[provider]?.[model];
  if (own || !provider.endsWith(BATCH_PROVIDER_SUFFIX)) return own;
  const list = table[provider.slice(0, -BATCH_PROVIDER_SUFFIX.length)]?.[model];
  return list ? { input: list.input * BATCH_PRICE_FACTOR, output: list.output * BATCH_PRICE_FACTOR } : undefined;
}

/**
 * The price table of a deployment from its variables. A bad `LLM_PRICES` must not break run
 * status: it is reported in the log and the defaults apply.
 */
export function ownerPrices(variables: Record<string, unknown>): PriceTable {
  const value = variables[PRICES_VARIABLE];
  try {
    return priceTable(typeof value === "string" ? value : undefined);
  } catch (error) {
    console.error(`Ignoring ${PRICES_VARIABLE}: ${error instanceof Error ? error.message : String(error)}`);
    return DEFAULT_PRICES;
  }
}
