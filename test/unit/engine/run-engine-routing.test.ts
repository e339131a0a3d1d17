import { describe, expect, it } from "vitest";
import type { ProcessWork } from "../../../src/engine/work-types/process.js";
import { createDefaultRegistry } from "../../../src/default-registry.js";
import { defineRoutingBatchFunction } from "../../../src/pipeline/routing-batch-function.js";
import { EngineSim, dagSpec, dagStep, plan, range, type Behaviour } from "./engine-sim.js";

const tasks = ["t1", "t2", "t3"];

/** gen (batch_size 4) -> sample_n_steps(2) -> [t1, t2, t3] (input_batch_size 2) -> combine (2). */
function routedPlan(seed: string) {
  return plan(
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
  );
}

/** For every generator batch, the steps it was routed to (read from the dispatched step batches). */
function routes(sim: EngineSim): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const step of tasks) {
    for (const work of sim.dispatchedOf(step) as ProcessWork[]) {
      for (const slice of work.data[0]?.slices ?? []) {
        const list = out.get(slice.seq_no) ?? [];
        if (!list.includes(step)) list.push(step);
        out.set(slice.seq_no, list.sort());
      }
    }
  }
  return out;
}

function run(seed: string, order: Parameters<EngineSim["runAll"]>[0] = "fifo", behaviours: Record<string, Behaviour> = {}) {
  const sim = new EngineSim(routedPlan(seed), { generators: { gen: 40 }, behaviours });
  sim.start();
  sim.runAll(order);
  return sim;
}

describe("routing with sample_n_steps", () => {
  it("sends each generator batch to exactly two of the three tasks", () => {
    const sim = run("run-1");
    const routed = routes(sim);
    expect([...routed.keys()].sort((a, b) => a - b)).toEqual(range(10));
    for (const steps of routed.values()) expect(steps).toHaveLength(2);
    const rowsIn = tasks.reduce((sum, t) => sum + (sim.state.steps[t]?.rows_in ?? 0), 0);
    expect(rowsIn).toBe(80);
    // A skipped task never sees rows of that batch.
    for (const [seq, steps] of routed) {
      for (const t of tasks.filter((x) => !steps.includes(x))) {
        const seen = (sim.dispatchedOf(t) as ProcessWork[]).some((w) => w.data[0]?.slices.some((s) => s.seq_no === seq));
        expect(seen).toBe(false);
      }
    }
  });

  it("routes the same way for the same seed and differently for another seed", () => {
    const a = routes(run("run-1"));
    const again = routes(run("run-1"));
    const other = routes(run("run-2"));
    expect(again).toEqual(a);
    expect(other).not.toEqual(a);
  });

  it("re-joins the routed rows at the convergence step in generator order", () => {
    const sim = run("run-1");
    const routed = routes(sim);
    expect(sim.state.status).toBe("succeeded");
    expect(sim.state.plan.steps.combine?.convergence).toBe(true);
    expect(sim.dataset()).toEqual(
      range(40).map((i) => {
        const [x, y] = routed.get(Math.floor(i / 4)) as string[];
        return `combine(${x}(gen:${i})|${y}(gen:${i}))`;
      }),
    );
  });

  it("gives the same rows when reports arrive in any order", () => {
    const fifo = run("run-1");
    for (const seed of ["a", "b", "c"]) {
      const shuffled = run("run-1", { random: seed });
      expect(shuffled.state.status).toBe("succeeded");
      expect(shuffled.dataset()).toEqual(fifo.dataset());
    }
  });

  it("completes every group when the routed tasks write two rows per input row", () => {
    const twice: Behaviour = (inputs, { step }) => (inputs[0] ?? []).flatMap((row) => [`${step}(${row})#1`, `${step}(${row})#2`]);
    const behaviours = Object.fromEntries(tasks.map((t) => [t, twice]));
    const sim = run("run-1", { random: "x" }, behaviours);
    const routed = routes(sim);
    expect(sim.state.status).toBe("succeeded");
    expect(sim.state.steps.combine?.rows_in).toBe(160);
    expect(sim.dataset()).toEqual(
      range(40).flatMap((i) => {
        const [x, y] = routed.get(Math.floor(i / 4)) as string[];
        return [1, 2].map((k) => `combine(${x}(gen:${i})#${k}|${y}(gen:${i})#${k})`);
      }),
    );
  });

  it("finishes when the routed steps are leaves and the last batch skips one of them", () => {
    const p = plan(
      dagSpec(
        [dagStep("gen", "generator", { batchSize: 4 }), dagStep("a", "normal", { inputBatchSize: 2 }), dagStep("b", "normal", { inputBatchSize: 2 })],
        [
          ["gen", "a"],
          ["gen", "b"],
        ],
        { gen: { typeName: "sample_n_steps", kwargs: { n: 1 } } },
      ),
      { seed: "seed" },
    );
    const sim = new EngineSim(p, { generators: { gen: 10 } });
    sim.start();
    sim.runAll();
    expect(sim.state.status).toBe("succeeded");
    const a = sim.dataset("a");
    const b = sim.dataset("b");
    expect(a.length + b.length).toBe(10);
    expect([...a, ...b].map((r) => Number(/gen:(\d+)/.exec(r)?.[1])).sort((x, y) => x - y)).toEqual(range(10));
    expect(sim.state.steps.a?.done).toBe(true);
    expect(sim.state.steps.b?.done).toBe(true);
  });

  it("routes with a user routing function registered by name", () => {
    const evenOdd = defineRoutingBatchFunction("even_odd", () => (steps, { seqNo }) => [steps[seqNo % 2] as string]);
    const registry = createDefaultRegistry().registerRouting(evenOdd);
    const p = plan(
      dagSpec(
        [dagStep("gen", "generator", { batchSize: 2 }), dagStep("even", "normal", { inputBatchSize: 2 }), dagStep("odd", "normal", { inputBatchSize: 2 })],
        [
          ["gen", "even"],
          ["gen", "odd"],
        ],
        { gen: { typeName: "even_odd", kwargs: {} } },
      ),
    );
    const sim = new EngineSim(p, { generators: { gen: 9 }, registry });
    sim.start();
    sim.runAll({ random: "r" });
    expect(sim.state.status).toBe("succeeded");
    expect(sim.dataset("even")).toEqual([0, 1, 4, 5, 8].map((i) => `even(gen:${i})`));
    expect(sim.dataset("odd")).toEqual([2, 3, 6, 7].map((i) => `odd(gen:${i})`));
  });
});

describe("global steps and load stages", () => {
  /** gen -> a -> global; gen -> b (leaf). Stages: [gen, a, b], [global]. */
  const stagedPlan = () =>
    plan(
      dagSpec(
        [
          dagStep("gen", "generator", { batchSize: 3 }),
          dagStep("a", "normal", { inputBatchSize: 2 }),
          dagStep("b", "normal", { inputBatchSize: 2 }),
          dagStep("global", "global", { inputBatchSize: 2 }),
        ],
        [
          ["gen", "a"],
          ["a", "global"],
          ["gen", "b"],
        ],
      ),
    );

  it("puts the global step in a stage of its own", () => {
    const p = stagedPlan();
    expect(p.stages).toEqual([["gen", "a", "b"], ["global"]]);
    expect(p.stage_last_steps).toEqual([["a", "b"], ["global"]]);
    expect(p.steps.global?.stage).toBe(1);
  });

  it("dispatches the global step's single batch only once its stage starts", () => {
    const sim = new EngineSim(stagedPlan(), { generators: { gen: 7 } });
    sim.start();
    // Everything but b's batches: a finishes, the global step has all its input, stage 0 does not end.
    for (let guard = 0; guard < 100; guard++) {
      const index = sim.pending.findIndex((w) => !(w.type === "process" && w.step === "b"));
      if (index < 0) break;
      sim.deliver(index);
    }
    expect(sim.state.steps.a?.done).toBe(true);
    expect(sim.state.stage.current).toBe(0);
    expect(sim.dispatchedOf("global")).toEqual([]);
    expect(sim.pending.every((w) => w.type === "process" && w.step === "b")).toBe(true);
    while (sim.pending.some((w) => w.type === "process" && w.step === "b")) sim.deliver(0);
    expect(sim.state.stage.current).toBe(1);
    const [globalWork] = sim.dispatchedOf("global") as ProcessWork[];
    expect(globalWork).toMatchObject({ step: "global", seq_no: 0, last_batch: true, accumulated: true });
    expect(globalWork?.data).toEqual([
      {
        from: "a",
        slices: [
          { seq_no: 0, start: 0, end: 2 },
          { seq_no: 1, start: 0, end: 2 },
          { seq_no: 2, start: 0, end: 2 },
          { seq_no: 3, start: 0, end: 1 },
        ],
      },
    ]);
    sim.runAll();
    expect(sim.state.status).toBe("succeeded");
    expect(sim.dispatchedOf("global")).toHaveLength(1);
    expect(sim.dataset("global")).toEqual(range(7).map((i) => `global(a(gen:${i}))`));
    expect(sim.dataset("b")).toEqual(range(7).map((i) => `b(gen:${i})`));
  });

  it("runs every step in its own stage with sequential_step_execution", () => {
    const p = plan(
      dagSpec(
        [dagStep("gen", "generator", { batchSize: 2 }), dagStep("a", "normal", { inputBatchSize: 2 }), dagStep("b", "normal", { inputBatchSize: 2 })],
        [
          ["gen", "a"],
          ["a", "b"],
        ],
      ),
      { loadGroups: "sequential_step_execution" },
    );
    expect(p.stages).toEqual([["gen"], ["a"], ["b"]]);
    const sim = new EngineSim(p, { generators: { gen: 7 } });
    sim.start();
    sim.runAll({ random: "s" });
    const kinds = sim.dispatched.filter((w) => w.type === "generate" || w.type === "process").map((w) => ("step" in w ? w.step : ""));
    const lastGen = kinds.lastIndexOf("gen");
    const firstA = kinds.indexOf("a");
    const lastA = kinds.lastIndexOf("a");
    const firstB = kinds.indexOf("b");
    expect(lastGen).toBeLessThan(firstA);
    expect(lastA).toBeLessThan(firstB);
    expect(sim.dataset()).toEqual(range(7).map((i) => `b(a(gen:${i}))`));
  });
});

describe("dry run", () => {
  it("asks each generator for one batch, forced to be the last, and runs it through the DAG", () => {
    const p = plan(dagSpec([dagStep("gen", "generator", { batchSize: 1 }), dagStep("step", "normal", { inputBatchSize: 3 })], [["gen", "step"]]), {
      dryRun: true,
    });
    const sim = new EngineSim(p, { generators: { gen: 10 } });
    const [first] = sim.start();
    expect(first).toMatchObject({ type: "generate", step: "gen", seq_no: 0, force_last_batch: true });
    // The worker says more rows exist; the forced flag wins.
    const report = { ...sim.execute(first!), last_batch: false };
    sim.deliver(0, report);
    sim.runAll();
    expect(sim.state.status).toBe("succeeded");
    expect(sim.dispatchedOf("gen", "generate")).toHaveLength(1);
    expect(sim.dataset()).toEqual(["step(gen:0)"]);
  });
});

describe("Parquet files", () => {
  /** gen (batch 3) -> leaf (input_batch_size 3): one leaf batch per generator batch. */
  const leafPlan = (options: { maxRowsPerFile?: number; maxBytesPerFile?: number }) =>
    plan(dagSpec([dagStep("gen", "generator", { batchSize: 3 }), dagStep("leaf", "normal", { inputBatchSize: 3 })], [["gen", "leaf"]]), options);

  it("cuts a file as soon as max_rows_per_file rows are pending and flushes the rest when the leaf is done", () => {
    const sim = new EngineSim(leafPlan({ maxRowsPerFile: 5 }), { generators: { gen: 14 } });
    sim.start();
    sim.runAll();
    const writes = sim.dispatched.filter((w) => w.type === "write_parquet");
    expect(writes.map((w) => (w.type === "write_parquet" ? [w.id, w.file_index, w.seq_nos] : []))).toEqual([
      ["write_parquet:default:0", 0, [0, 1]],
      ["write_parquet:default:1", 1, [2, 3]],
      ["write_parquet:default:2", 2, [4]],
    ]);
    expect(sim.state.leaves.leaf?.files.map((f) => [f.file_index, f.num_rows])).toEqual([
      [0, 6],
      [1, 6],
      [2, 2],
    ]);
    expect(sim.dataset()).toEqual(range(14).map((i) => `leaf(gen:${i})`));
  });

  it("cuts files by size with max_bytes_per_file", () => {
    const sim = new EngineSim(leafPlan({ maxBytesPerFile: 1 }), { generators: { gen: 7 } });
    sim.start();
    sim.runAll();
    const writes = sim.dispatched.filter((w) => w.type === "write_parquet");
    expect(writes.map((w) => (w.type === "write_parquet" ? w.seq_nos : []))).toEqual([[0], [1], [2]]);
  });

  it("dispatches the finalize item only after every file is reported and the run then succeeds", () => {
    const sim = new EngineSim(leafPlan({ maxRowsPerFile: 3 }), { generators: { gen: 9 } });
    sim.start();
    while (sim.pending.some((w) => w.type !== "write_parquet")) {
      sim.deliver(sim.pending.findIndex((w) => w.type !== "write_parquet"));
    }
    expect(sim.pending.map((w) => w.id)).toEqual(["write_parquet:default:0", "write_parquet:default:1", "write_parquet:default:2"]);
    expect(sim.deliver(0)).toEqual([]);
    expect(sim.deliver(0)).toEqual([]);
    expect(sim.state.finalize).toBe("pending");
    expect(sim.deliver(0)).toEqual([{ type: "finalize", id: "finalize", failed_rows: {}, run_id: "run-1" }]);
    expect(sim.state.finalize).toBe("dispatched");
    expect(sim.state.status).toBe("running");
    sim.deliver(0);
    expect(sim.state).toMatchObject({ status: "succeeded", finalize: "done" });
  });

  it("writes no file for leaf batches without rows", () => {
    const nothing: Behaviour = () => [];
    const sim = new EngineSim(leafPlan({}), { generators: { gen: 6 }, behaviours: { leaf: nothing } });
    sim.start();
    sim.runAll();
    expect(sim.state.status).toBe("succeeded");
    expect(sim.dispatched.filter((w) => w.type === "write_parquet")).toEqual([]);
  });

  it("fails on a fatal finalize and sends it again, once, on resume", () => {
    const sim = new EngineSim(leafPlan({}), { generators: { gen: 3 } });
    sim.start();
    while (sim.pending[0]?.type !== "finalize") sim.deliver(0);
    sim.deliver(0, { id: "finalize", run_id: "run-1", type: "finalize", fatal: { code: "storage_failed", message: "manifest write failed" } });
    expect(sim.state).toMatchObject({ status: "failed", finalize: "pending", error: { code: "storage_failed", message: "manifest write failed" } });
    expect(sim.resume().map((w) => w.id)).toEqual(["finalize"]);
    sim.runAll();
    expect(sim.state.status).toBe("succeeded");
  });
});
