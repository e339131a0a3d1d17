import { z } from "zod";
import { priceOf, type PriceTable } from "../llms/pricing/price-table.js";
import { addUsage, type UsageByModel } from "../llms/usage/usage.js";
import type { RunState, StepRun } from "./run-state.js";

/** A run's spending limits; null is no limit. Changed by a resume, so it lives in the state, not the plan. */
export const runBudgetSchema = z.object({ max_cost_usd: z.number().positive().nullable(), max_requests: z.number().int().positive().nullable() });
export type RunBudget = z.infer<typeof runBudgetSchema>;

/** Why a run stopped: asked to (`POST /v1/runs/{id}/stop`), or its next batch would have passed its budget. */
export const runStopSchema = z.object({
  reason: z.enum(["requested", "budget"]),
  message: z.string(),
  /** For a budget stop: the limit the next batch would have passed. */
  limit: z.enum(["max_cost_usd", "max_requests"]).optional(),
});
export type RunStop = z.infer<typeof runStopSchema>;

/** LLM calls and their cost; cost counts only models with a known price. */
export interface Spend {
  requests: number;
  cost_usd: number;
}

/** What one batch of a step is expected to spend; undefined where nothing observed says so yet. */
export interface Projection {
  requests: number | undefined;
  cost_usd: number | undefined;
}

/**
 * The budget's account during one transition: what reported batches spent, what batches in
 * flight are expected to spend, and the first batch it refused.
 */
export interface BudgetLedger {
  budget: RunBudget;
  prices: PriceTable;
  spent: Spend;
  committed: Spend;
  refused?: { step: string; limit: "max_cost_usd" | "max_requests"; message: string };
}

export function hasLimit(budget: RunBudget | undefined | null): budget is RunBudget {
  return !!budget && (budget.max_cost_usd !== null || budget.max_requests !== null);
}

export function runUsage(state: RunState): UsageByModel {
  return Object.values(state.steps).reduce<UsageByModel>((sum, s) => addUsage(sum, s.usage ?? {}), {});
}

/** Requests and the cost of the models with a price (a model without one adds requests, not cost). */
export function spendOf(usage: UsageByModel, prices: PriceTable): Spend {
  const spend: Spend = { requests: 0, cost_usd: 0 };
  for (const entry of Object.values(usage)) {
    spend.requests += entry.requests;
    const price = priceOf(prices, entry.provider, entry.model);
    if (price) spend.cost_usd += (entry.input_tokens * price.input + entry.output_tokens * price.output) / 1_000_000;
  }
  return spend;
}

/**
 * The next batch of a step, from the average of its reported batches. A cached call counts as a
 * call that might miss next time, at the step's observed cost per call; a step with no reported
 * batch (or only cached calls, for cost) has no projection yet.
 */
export function projectBatch(step: StepRun, prices: PriceTable): Projection {
  if (step.batches_done === 0) return { requests: undefined, cost_usd: undefined };
  const usage = step.usage ?? {};
  const spend = spendOf(usage, prices);
  const calls = Object.values(usage).reduce((sum, e) => sum + e.requests + e.cached_requests, 0) / step.batches_done;
  const costPerCall = spend.requests > 0 ? spend.cost_usd / spend.requests : calls === 0 ? 0 : undefined;
  return { requests: calls, cost_usd: costPerCall === undefined ? undefined : costPerCall * calls };
}

/** Opens the account of a transition, or undefined when the run has no limit (the engine then checks nothing). */
export function openLedger(state: RunState, prices: PriceTable): BudgetLedger | undefined {
  if (!hasLimit(state.budget)) return undefined;
  const spent: Spend = { requests: 0, cost_usd: 0 };
  for (const step of Object.values(state.steps)) add(spent, spendOf(step.usage ?? {}, prices));
  const committed: Spend = { requests: 0, cost_usd: 0 };
  for (const entry of Object.values(state.inflight)) {
    const work = entry.work;
    if (work.type !== "generate" && work.type !== "process") continue;
    const step = state.steps[work.step];
    if (step) add(committed, known(projectBatch(step, prices)));
  }
  return { budget: state.budget, prices, spent, committed };
}

/**
 * May the next batch of `stepName` be sent? `send` when what is spent, what is in flight and
 * this batch's projection stay within every limit (the projection is then committed); a batch
 * projected to spend nothing (no rows, a step that calls no LLM) always goes. A step with no
 * reported batch yet sends one batch alone while the budget is not used up, and `wait`s for it
 * to report before it is projected. `refuse` (the first one is kept) makes the engine stop the run.
 */
export function admitBatch(ledger: BudgetLedger, state: RunState, stepName: string, rows?: number): "send" | "wait" | "refuse" {
  if (ledger.refused) return "refuse";
  const step = state.steps[stepName];
  if (!step || rows === 0) return "send";
  const projection = projectBatch(step, ledger.prices);
  const limits: Array<[keyof Spend, number | null]> = [
    ["requests", ledger.budget.max_requests],
    ["cost_usd", ledger.budget.max_cost_usd],
  ];
  let unknown = false;
  for (const [kind, limit] of limits) {
    if (limit === null) continue;
    unknown ||= projection[kind] === undefined;
    const used = ledger.spent[kind] + ledger.committed[kind];
    const next = projection[kind];
    if (next === undefined ? used < limit : next === 0 || used + next <= limit * (1 + 1e-9)) continue;
    ledger.refused = {
      step: stepName,
      limit: kind === "requests" ? "max_requests" : "max_cost_usd",
      message: refusalMessage(ledger, kind, limit, stepName, next),
    };
    return "refuse";
  }
  if (unknown && step.inflight > 0) return "wait";
  add(ledger.committed, known(projection));
  return "send";
}

function refusalMessage(ledger: BudgetLedger, kind: keyof Spend, limit: number, step: string, next: number | undefined): string {
  const field = kind === "requests" ? "max_requests" : "max_cost_usd";
  const show = (n: number) => (kind === "requests" ? String(Math.round(n * 100) / 100) : `$${n.toFixed(6)}`);
  const expected = next === undefined ? "nothing is known of its cost yet" : `its next batch is expected to take ${show(next)}`;
  return `budget reached: ${show(ledger.spent[kind])} used and ${show(ledger.committed[kind])} in flight of ${field} ${kind === "requests" ? limit : `$${limit}`}; step '${step}' was not sent another batch (${expected})`;
}

function known(projection: Projection): Spend {
  return { requests: projection.requests ?? 0, cost_usd: projection.cost_usd ?? 0 };
}

function add(into: Spend, spend: Spend): void {
  into.requests += spend.requests;
  into.cost_usd += spend.cost_usd;
}

/** The budget after a resume: fields given replace the stored ones (null lifts a limit), the rest stay. */
export function mergeBudget(current: RunBudget | undefined, change: Partial<RunBudget> | undefined): RunBudget | undefined {
  if (!change || (change.max_cost_usd === undefined && change.max_requests === undefined)) return current;
  return {
    max_cost_usd: change.max_cost_usd === undefined ? (current?.max_cost_usd ?? null) : change.max_cost_usd,
    max_requests: change.max_requests === undefined ? (current?.max_requests ?? null) : change.max_requests,
  };
}
