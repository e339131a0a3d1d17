import { describe, expect, it } from "vitest";
import { DistilflareError } from "../../../src/errors.js";
import { mergeBudget, projectBatch, spendOf } from "../../../src/engine/run-budget.js";
import { resumeRun, type EngineContext } from "../../../src/engine/run-engine.js";
import type { RunState } from "../../../src/engine/run-state.js";
import type { WorkItem, WorkReportInput } from "../../../src/engine/work.js";
import { DEFAULT_PRICES } from "../../../src/llms/pricing/price-table.js";
import { createDefaultRegistry } from "../../../src/default-registry.js";
import { routingResolver } from "../../../src/runtime/routing-resolver.js";
import { EngineSim, dagSpec, dagStep, plan } from "./engine-sim.js";

const context: EngineContext = { now: 0, routing: routingResolver(createDefaultRegistry()), prices: DEFAULT_PRICES };
const MODEL = "OpenAILLM:gpt-4o-mini";
/** gpt-4o-mini: $0.15 and $0.60 per 1M tokens, so a call of 1,000 + 1,000 tokens costs $0.00075. */
const CALL_COST = 0.00075;

/** gen (rows, batch_size 5) -> llm (input_batch_size 5) -> tidy (a step without LLM calls). */
function budgetedRun(rows: number, budget: NonNullable<RunState["budget"]>, options: { roundTrip?: boolean } = {}): EngineSim {
  const sim = new EngineSim(
    plan(
      dagSpec(
        [dagStep("gen", "generator", { batchSize: 5 }), dagStep("llm", "normal", { inputBatchSize: 5 }), dagStep("tidy", "normal", { inputBatchSize: 5 })],
        [
          ["gen", "llm"],
          ["llm", "tidy"],
        ],
      ),
    ),
    { generators: { gen: rows }, roundTrip: options.roundTrip ?? true },
  );
  sim.state = { ...sim.state, budget };
  return sim;
}

/** The simulated worker's report, with one LLM call of 1,000 + 1,000 tokens per input row of `llm`. */
function reportWithUsage(sim: EngineSim, work: WorkItem, cachedRows = 0): WorkReportInput {
  const report = sim.execute(work);
  if (work.type !== "process" || work.step !== "llm") return report;
  const rows = (report as { rows_in?: number }).rows_in ?? 0;
  const billed = rows - cachedRows;
  return {
    ...report,
    usage: {
      [MODEL]: {
        provider: "OpenAILLM",
        model: "gpt-4o-mini",
        requests: billed,
        input_tokens: 1000 * billed,
        output_tokens: 1000 * billed,
        cached_requests: cachedRows,
      },
    },
  } as WorkReportInput;
}

/** Delivers everything in flight (fifo), reports carrying usage; returns the `llm` batches delivered. */
function drain(sim: EngineSim, cachedRows = 0): number {
  let llmBatches = 0;
  while (sim.pending.length > 0) {
    const work = sim.pending[0] as WorkItem;
    if (work.type === "process" && work.step === "llm") llmBatches++;
    sim.deliver(0, reportWithUsage(sim, work, cachedRows));
  }
  return llmBatches;
}

const requestsOf = (sim: EngineSim) => spendOf(sim.state.steps.llm?.usage ?? {}, DEFAULT_PRICES).requests;
const costOf = (sim: EngineSim) => spendOf(sim.state.steps.llm?.usage ?? {}, DEFAULT_PRICES).cost_usd;

function startWith(sim: EngineSim): void {
  sim.start();
}

describe("budgets in the engine", () => {
  it("sends one batch of an LLM step alone until it reports, then projects the next from it", () => {
    const sim = budgetedRun(20, { max_requests: 100, max_cost_usd: null });
    startWith(sim);
    sim.deliver(0, reportWithUsage(sim, sim.pending[0] as WorkItem)); // gen 0 -> llm 0
    sim.deliver(
      sim.pending.findIndex((w) => w.type === "generate"),
      reportWithUsage(sim, sim.pending.find((w) => w.type === "generate") as WorkItem),
    ); // gen 1
    expect(sim.pending.filter((w) => w.type === "process" && w.step === "llm")).toHaveLength(1);
    expect(sim.state.status).toBe("running");
    sim.deliver(
      sim.pending.findIndex((w) => w.type === "process"),
      reportWithUsage(sim, sim.pending.find((w) => w.type === "process") as WorkItem),
    );
    expect(sim.dispatchedOf("llm").length).toBeGreaterThan(1);
  });

  it("stops with reason budget before a batch would pass max_requests, keeping the batches done", () => {
    const sim = budgetedRun(20, { max_requests: 12, max_cost_usd: null });
    startWith(sim);
    drain(sim);
    expect(sim.state.status).toBe("stopped");
    expect(sim.state.stop).toMatchObject({ reason: "budget", limit: "max_requests" });
    expect(sim.state.stop?.message).toMatch(/max_requests 12/);
    // 5 calls per batch: a third batch would have made 15.
    expect(requestsOf(sim)).toBe(10);
    expect(sim.state.steps.llm?.batches_done).toBe(2);
    expect(sim.state.steps.tidy?.rows_out).toBe(10);
  });

  it("resumes with a higher budget and finishes without sending a done batch again", () => {
    const sim = budgetedRun(20, { max_requests: 12, max_cost_usd: null });
    startWith(sim);
    drain(sim);
    sim.accept(resumeRun(sim.state, context, { budget: { max_requests: 40 } }));
    drain(sim);
    expect(sim.state.status).toBe("succeeded");
    expect(sim.state.stop).toBeNull();
    expect(sim.state.budget).toEqual({ max_requests: 40, max_cost_usd: null });
    expect(requestsOf(sim)).toBe(20);
    const llmIds = sim.dispatchedOf("llm").map((w) => w.id);
    expect(new Set(llmIds).size).toBe(llmIds.length);
    expect(sim.dataset()).toEqual(Array.from({ length: 20 }, (_, i) => `tidy(llm(gen:${i}))`));
  });

  it("refuses a resume that would stop at the budget again at once, naming the field", () => {
    const sim = budgetedRun(20, { max_requests: 12, max_cost_usd: null });
    startWith(sim);
    drain(sim);
    const attempt = () => resumeRun(sim.state, context, { budget: { max_requests: 14 } });
    expect(attempt).toThrow(DistilflareError);
    expect(attempt).toThrow(/cannot resume within its budget.*max_requests 14/);
    try {
      resumeRun(sim.state, context);
    } catch (error) {
      expect((error as DistilflareError).code).toBe("conflict");
      expect((error as DistilflareError).details?.field).toBe("max_requests");
    }
    expect(sim.state.status).toBe("stopped");
  });

  it("lifts a limit resumed with null", () => {
    const sim = budgetedRun(20, { max_requests: 12, max_cost_usd: null });
    startWith(sim);
    drain(sim);
    sim.accept(resumeRun(sim.state, context, { budget: { max_requests: null } }));
    drain(sim);
    expect(sim.state.status).toBe("succeeded");
  });

  it("finishes a run whose calls exactly use up the budget, steps without calls included", () => {
    const sim = budgetedRun(20, { max_requests: 20, max_cost_usd: null });
    startWith(sim);
    drain(sim);
    expect(sim.state.status).toBe("succeeded");
    expect(requestsOf(sim)).toBe(20);
  });

  it("stops within one batch of max_cost_usd, projecting cost from the step's batches", () => {
    // 5 calls a batch at $0.00075 each: $0.00375 a batch; $0.009 fits two batches, not three.
    const sim = budgetedRun(30, { max_requests: null, max_cost_usd: 0.009 });
    startWith(sim);
    drain(sim);
    expect(sim.state.status).toBe("stopped");
    expect(sim.state.stop?.reason).toBe("budget");
    expect(sim.state.stop?.message).toMatch(/max_cost_usd \$0\.009/);
    expect(sim.state.stop?.limit).toBe("max_cost_usd");
    expect(costOf(sim)).toBeCloseTo(2 * 5 * CALL_COST, 9);
    sim.accept(resumeRun(sim.state, context, { budget: { max_cost_usd: 1 } }));
    drain(sim);
    expect(sim.state.status).toBe("succeeded");
    expect(costOf(sim)).toBeCloseTo(30 * CALL_COST, 9);
  });

  it("keeps batches in flight and their rows when the budget stops the run", () => {
    const sim = budgetedRun(40, { max_requests: 17, max_cost_usd: null }, { roundTrip: false });
    startWith(sim);
    sim.deliver(0, reportWithUsage(sim, sim.pending[0] as WorkItem)); // gen 0 -> llm 0, sent alone
    const first = sim.pending.findIndex((w) => w.type === "process" && w.step === "llm");
    sim.deliver(first, reportWithUsage(sim, sim.pending[first] as WorkItem));
    // Only the generator reports now: every batch it feeds the llm step stays in flight.
    for (let i = 0; i < 12 && sim.pending.some((w) => w.type === "generate"); i++) {
      const index = sim.pending.findIndex((w) => w.type === "generate");
      sim.deliver(index, reportWithUsage(sim, sim.pending[index] as WorkItem));
    }
    // 5 spent, then 5 + 5 (two more batches) = 15 <= 17; a fourth would make 20.
    expect(sim.pending.filter((w) => w.type === "process" && w.step === "llm")).toHaveLength(2);
    expect(sim.state.status).toBe("stopping");
    drain(sim);
    expect(sim.state.status).toBe("stopped");
    expect(requestsOf(sim)).toBe(15);
    // Outputs of batches that finished while stopping are kept for the steps after them.
    expect(sim.state.steps.llm?.rows_out).toBe(15);
    sim.accept(resumeRun(sim.state, context, { budget: { max_requests: 40 } }));
    drain(sim);
    expect(sim.state.status).toBe("succeeded");
    expect(requestsOf(sim)).toBe(40);
    expect(sim.dataset()).toEqual(Array.from({ length: 40 }, (_, i) => `tidy(llm(gen:${i}))`));
  });

  it("counts cached calls as calls that may miss next time", () => {
    const sim = budgetedRun(20, { max_requests: 100, max_cost_usd: null });
    startWith(sim);
    sim.deliver(0, reportWithUsage(sim, sim.pending[0] as WorkItem));
    const llm = sim.pending.findIndex((w) => w.type === "process");
    sim.deliver(llm, reportWithUsage(sim, sim.pending[llm] as WorkItem, 3));
    const step = sim.state.steps.llm as NonNullable<RunState["steps"][string]>;
    expect(projectBatch(step, DEFAULT_PRICES)).toEqual({ requests: 5, cost_usd: 5 * CALL_COST });
  });

  it("has no projection for a model without a price: cost counts only known prices", () => {
    const usage = {
      "OpenAILLM:my-model": { provider: "OpenAILLM", model: "my-model", requests: 4, input_tokens: 400, output_tokens: 400, cached_requests: 0 },
    };
    expect(spendOf(usage, DEFAULT_PRICES)).toEqual({ requests: 4, cost_usd: 0 });
  });

  it("merges a resumed budget over the stored one", () => {
    expect(mergeBudget({ max_requests: 5, max_cost_usd: 1 }, { max_requests: 9 })).toEqual({ max_requests: 9, max_cost_usd: 1 });
    expect(mergeBudget(undefined, { max_cost_usd: 2 })).toEqual({ max_requests: null, max_cost_usd: 2 });
    expect(mergeBudget({ max_requests: 5, max_cost_usd: null }, undefined)).toEqual({ max_requests: 5, max_cost_usd: null });
  });

  it("marks a requested stop as such", () => {
    const sim = budgetedRun(20, { max_requests: 100, max_cost_usd: null });
    startWith(sim);
    sim.stop();
    expect(sim.state.stop?.reason).toBe("requested");
  });
});
