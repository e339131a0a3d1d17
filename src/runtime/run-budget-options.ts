import { DistilflareError, OptionError } from "../errors.js";
import { hasLimit, runBudgetSchema, type RunBudget } from "../engine/run-budget.js";
import { LLM } from "../llms/llm.js";
import { priceOf, PRICES_VARIABLE, type PriceTable } from "../llms/pricing/price-table.js";
import type { Pipeline } from "../pipeline/pipeline.js";

/** A budget as a registered pipeline or an in-process run gives it. */
export interface BudgetOptions {
  /** Stop before a batch that would take the run's LLM cost past this many USD. */
  maxCostUsd?: number | undefined;
  /** Stop before a batch that would take the run's LLM requests past this number. */
  maxRequests?: number | undefined;
}

/**
 * The run's budget: the request's fields over the registered pipeline's; undefined without any
 * limit. The request's were checked by its schema; a registered pipeline's are checked here.
 */
export function runBudget(
  defaults: BudgetOptions | undefined,
  request: { max_cost_usd?: number | undefined; max_requests?: number | undefined },
): RunBudget | undefined {
  const budget = runBudgetSchema.safeParse({
    max_cost_usd: request.max_cost_usd ?? defaults?.maxCostUsd ?? null,
    max_requests: request.max_requests ?? defaults?.maxRequests ?? null,
  });
  if (!budget.success) {
    const field = String(budget.error.issues[0]?.path[0] ?? "max_cost_usd") === "max_requests" ? "maxRequests" : "maxCostUsd";
    throw new OptionError(`The pipeline's budget '${field}' must be a positive ${field === "maxRequests" ? "integer" : "number"}`, {
      field,
      expected: "a positive number",
    });
  }
  return hasLimit(budget.data) ? budget.data : undefined;
}

/**
 * A cost budget cannot be kept on calls of unknown price, so a run with `max_cost_usd` is
 * refused when one of its LLMs has no price (naming the step, the provider and the model).
 */
export function assertBudgetPriced(pipeline: Pipeline, budget: RunBudget | undefined, prices: PriceTable): void {
  if (budget?.max_cost_usd === null || budget?.max_cost_usd === undefined) return;
  for (const step of pipeline.steps) {
    for (const llm of meteredLlms(step.attrs)) {
      if (priceOf(prices, llm.typeName, llm.modelName)) continue;
      throw new DistilflareError(
        "invalid_request",
        `max_cost_usd needs the price of every LLM, and step '${step.name}' calls ${llm.typeName} model '${llm.modelName}', which has none; add it to ${PRICES_VARIABLE} or use max_requests`,
        { field: "max_cost_usd", step: step.name, provider: llm.typeName, model: llm.modelName },
      );
    }
  }
}

/** The LLMs whose calls are metered, found in a component's attributes (an LLM that combines others gives its inner ones). */
function meteredLlms(attrs: unknown): LLM[] {
  if (attrs instanceof LLM) return attrs.meteredDirectly ? [attrs] : meteredLlms(attrs.attrs);
  if (Array.isArray(attrs)) return attrs.flatMap(meteredLlms);
  if (attrs && typeof attrs === "object" && Object.getPrototypeOf(attrs) === Object.prototype) return Object.values(attrs).flatMap(meteredLlms);
  return [];
}
