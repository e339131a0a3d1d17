import { describe, expect, it } from "vitest";
import type { RunPlan } from "../../../src/engine/run-plan.js";
import { completeOutputs, decideStepReuse, planWithReuse, reusableSteps, type StepOutputSource } from "../../../src/engine/step-reuse.js";
import type { ProcessWork } from "../../../src/engine/work-types/process.js";
import type { WriteParquetWork } from "../../../src/engine/work-types/write-parquet.js";
import { EngineSim, dagSpec, dagStep, plan } from "./engine-sim.js";

/** gen (batch 2) -> a (2) -> b (3), signatures `sig-<step>`. */
function chainPlan(seed = "run-1"): RunPlan {
  const built = plan(
    dagSpec(
      [dagStep("gen", "generator", { batchSize: 2 }), dagStep("a", "normal", { inputBatchSize: 2 }), dagStep("b", "normal", { inputBatchSize: 3 })],
      [
        ["gen", "a"],
        ["a", "b"],
      ],
    ),
    { seed },
  );
  return signed(built, { gen: "sig-gen", a: "sig-a", b: "sig-b" });
}

function signed(p: RunPlan, signatures: Record<string, string>): RunPlan {
  return { ...p, steps: Object.fromEntries(Object.entries(p.steps).map(([name, step]) => [name, { ...step, signature: signatures[name] }])) };
}

function source(step: string, runId = "run-1", failedRows = 0, seed = "run-1"): StepOutputSource {
  return { signature: `sig-${step}`, step, run_id: runId, failed_rows: failedRows, routing_seed: seed };
}

const sources = (...steps: string[]) => Object.fromEntries(steps.map((s) => [`sig-${s}`, source(s)]));
const allCached = { gen: true, a: true, b: true };

describe("decideStepReuse", () => {
  it("reuses every step with a stored signature and feeds only the reused steps a recomputed step reads", () => {
    const decision = decideStepReuse(chainPlan(), { useCache: allCached, sources: sources("gen", "a"), acceptFailedRows: false });
    expect(Object.keys(decision.reused)).toEqual(["gen", "a"]);
    expect(decision.feed).toEqual(["a"]);
  });

  it("feeds a reused leaf, whose rows go into the Distiset", () => {
    const decision = decideStepReuse(chainPlan(), { useCache: allCached, sources: sources("gen", "a", "b"), acceptFailedRows: false });
    expect(Object.keys(decision.reused)).toEqual(["gen", "a", "b"]);
    expect(decision.feed).toEqual(["b"]);
  });

  it("recomputes a step with use_cache false and everything downstream of it, even when their outputs are stored", () => {
    const decision = decideStepReuse(chainPlan(), { useCache: { ...allCached, a: false }, sources: sources("gen", "a", "b"), acceptFailedRows: false });
    expect(Object.keys(decision.reused)).toEqual(["gen"]);
    expect(decision.feed).toEqual(["gen"]);
  });

  it("never reuses outputs with failed rows unless the run accepts them, nor anything downstream of them", () => {
    const withFailures = { ...sources("gen", "b"), "sig-a": source("a", "run-1", 3) };
    expect(Object.keys(decideStepReuse(chainPlan(), { useCache: allCached, sources: withFailures, acceptFailedRows: false }).reused)).toEqual(["gen"]);
    expect(Object.keys(decideStepReuse(chainPlan(), { useCache: allCached, sources: withFailures, acceptFailedRows: true }).reused)).toEqual(["gen", "a", "b"]);
  });
});

describe("completeOutputs and reusableSteps", () => {
  const output = (seq: number, last: boolean) => ({ seq_no: seq, num_rows: 2, bytes: 10, last_batch: last, created_from: {}, batch_routed_to: [] });
  it("accepts only seq_nos 0..n-1 ending with the one last batch", () => {
    expect(completeOutputs([output(0, false), output(1, true)])).toBe(true);
    expect(completeOutputs([])).toBe(false);
    expect(completeOutputs([output(0, false), output(2, true)])).toBe(false);
    expect(completeOutputs([output(0, false), output(1, false)])).toBe(false);
  });

  it("offers the steps computed in a run and finished by their own last batch", () => {
    const p = planWithReuse(chainPlan(), { gen: source("gen", "run-0") });
    const steps = { gen: { done: true, flagged: false }, a: { done: true, flagged: false, failed_rows: 2 }, b: { done: false, flagged: false } };
    expect(reusableSteps(p, steps)).toEqual([{ step: "a", signature: "sig-a", failed_rows: 2 }]);
    expect(reusableSteps(chainPlan(), { ...steps, a: { done: true, flagged: true } }).map((s) => s.step)).toEqual(["gen"]);
  });
});

describe("a run fed the stored outputs of its reused steps", () => {
  function firstRun(p: RunPlan): EngineSim {
    const sim = new EngineSim(p, { generators: { gen: 7 } });
    sim.start();
    sim.runAll();
    expect(sim.state.status).toBe("succeeded");
    return sim;
  }

  it("sends no work for the reused steps, reads their batches from the earlier run and yields the same rows", () => {
    const first = firstRun(chainPlan());
    const reused = { gen: source("gen"), a: source("a") };
    const second = new EngineSim(planWithReuse(chainPlan("run-2"), reused), { generators: { gen: 7 }, runId: "run-2" });
    for (const [key, rows] of first.outputs) second.outputs.set(key, rows);
    second.start({ a: first.reported.get("a") ?? [] });
    second.runAll();
    expect(second.state.status).toBe("succeeded");
    expect(second.dispatchedOf("gen", "generate")).toHaveLength(0);
    expect(second.dispatchedOf("a")).toHaveLength(0);
    const bWork = second.dispatchedOf("b") as ProcessWork[];
    expect(bWork.length).toBeGreaterThan(0);
    for (const work of bWork) expect(work.sources).toEqual({ a: "run-1" });
    expect(second.dataset()).toEqual(first.dataset());
    expect(second.state.steps.gen?.done && second.state.steps.a?.done).toBe(true);
    expect(second.state.steps.a?.rows_out).toBe(7);
  });

  it("writes a fully reused leaf's Distiset from the earlier run's batches without computing anything", () => {
    const first = firstRun(chainPlan());
    const second = new EngineSim(planWithReuse(chainPlan("run-2"), { gen: source("gen"), a: source("a"), b: source("b") }), {
      generators: { gen: 7 },
      runId: "run-2",
    });
    for (const [key, rows] of first.outputs) second.outputs.set(key, rows);
    second.start({ b: first.reported.get("b") ?? [] });
    second.runAll();
    expect(second.state.status).toBe("succeeded");
    expect(second.dispatched.filter((w) => w.type === "generate" || w.type === "process")).toHaveLength(0);
    for (const work of second.dispatched.filter((w): w is WriteParquetWork => w.type === "write_parquet")) expect(work.source_run_id).toBe("run-1");
    expect(second.dataset()).toEqual(first.dataset());
  });

  it("routes a reused router's batches as the run that produced them did, so reused routed steps and a recomputed convergence step agree", () => {
    const tasks = ["t1", "t2", "t3"];
    const routedPlan = (seed: string) =>
      signed(
        plan(
          dagSpec(
            [
              dagStep("gen", "generator", { batchSize: 4 }),
              ...tasks.map((t) => dagStep(t, "normal", { inputBatchSize: 2 })),
              dagStep("combine", "normal", { inputBatchSize: 2 }),
            ],
            [...tasks.map((t) => ["gen", t] as [string, string]), ...tasks.map((t) => [t, "combine"] as [string, string])],
            { gen: { typeName: "sample_n_steps", kwargs: { n: 2 } } },
          ),
          { seed },
        ),
        Object.fromEntries(["gen", ...tasks, "combine"].map((s) => [s, `sig-${s}`])),
      );
    const first = new EngineSim(routedPlan("seed-1"), { generators: { gen: 40 } });
    first.start();
    first.runAll();
    expect(first.state.status).toBe("succeeded");
    // t1 is recomputed: it must be sent exactly the generator batches it got in the first run.
    const reused = Object.fromEntries(["gen", "t2", "t3"].map((s) => [s, source(s, "run-1", 0, "seed-1")]));
    const rerun = (p: RunPlan) => {
      const sim = new EngineSim(p, { generators: { gen: 40 }, runId: "run-2" });
      for (const [key, rows] of first.outputs) if (!key.startsWith("t1/")) sim.outputs.set(key, rows);
      sim.start(Object.fromEntries(["gen", "t2", "t3"].map((t) => [t, first.reported.get(t) ?? []])));
      sim.runAll();
      return sim;
    };
    const second = rerun(planWithReuse(routedPlan("seed-2"), reused));
    expect(second.state.status).toBe("succeeded");
    expect(["t2", "t3"].flatMap((t) => second.dispatchedOf(t))).toHaveLength(0);
    const seqsOf = (sim: EngineSim) => (sim.dispatchedOf("t1") as ProcessWork[]).flatMap((w) => w.data[0]?.slices.map((slice) => slice.seq_no) ?? []);
    expect(seqsOf(second)).toEqual(seqsOf(first));
    expect(second.dataset()).toEqual(first.dataset());
    // Routed with the new run's seed instead, t1 would get other batches than its reused siblings expect.
    const reseeded = planWithReuse(routedPlan("seed-2"), reused);
    const gen = reseeded.steps.gen;
    if (gen) delete gen.routing_seed;
    const wrong = rerun(reseeded);
    expect(wrong.state.status !== "succeeded" || JSON.stringify(wrong.dataset()) !== JSON.stringify(first.dataset())).toBe(true);
  });
});
