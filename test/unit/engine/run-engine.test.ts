import { describe, expect, it } from "vitest";
import { DistilflareError } from "../../../src/errors.js";
import { applyReport, startRun } from "../../../src/engine/run-engine.js";
import { createRunState } from "../../../src/engine/run-state.js";
import { MAX_RECORDED_ERRORS } from "../../../src/engine/run-failure.js";
import type { WorkItem } from "../../../src/engine/work.js";
import type { ProcessWork } from "../../../src/engine/work-types/process.js";
import { EngineSim, branching, dagSpec, dagStep, engineContext as context, linear, plan, range } from "./engine-sim.js";

describe("startRun", () => {
  it("requests the first batch of every generator and nothing else", () => {
    const p = plan(
      dagSpec(
        [dagStep("g1", "generator", { batchSize: 2 }), dagStep("g2", "generator", { batchSize: 3 }), dagStep("join", "normal", { inputBatchSize: 2 })],
        [
          ["g1", "join"],
          ["g2", "join"],
        ],
      ),
    );
    const { state, dispatch } = startRun(createRunState("run-1", p), context);
    expect(state.status).toBe("running");
    expect(dispatch).toEqual([
      { type: "generate", id: "generate:g1:0", run_id: "run-1", step: "g1", seq_no: 0, offset: 0, force_last_batch: false },
      { type: "generate", id: "generate:g2:0", run_id: "run-1", step: "g2", seq_no: 0, offset: 0, force_last_batch: false },
    ]);
    expect(Object.keys(state.inflight)).toEqual(["generate:g1:0", "generate:g2:0"]);
    expect(state.steps.g1).toMatchObject({ batches_sent: 1, inflight: 1, outstanding: true });
  });

  it("never modifies the state it is given", () => {
    const initial = createRunState("run-1", linear());
    const copy = structuredClone(initial);
    startRun(initial, context);
    expect(initial).toEqual(copy);
  });

  it("refuses to start a run twice", () => {
    const { state } = startRun(createRunState("run-1", linear()), context);
    expect(() => startRun(state, context)).toThrow(new DistilflareError("conflict", "Run 'run-1' has already started (status running)"));
  });
});

describe("a linear run", () => {
  it("pulls generator batches and sends step batches in distilabel's order", () => {
    const sim = new EngineSim(linear(), { generators: { gen: 10 } });
    sim.start();
    sim.runAll("fifo");
    expect(sim.dispatched.map((w) => w.id)).toEqual([
      "generate:gen:0",
      "process:step:0",
      "generate:gen:1",
      "process:step:1",
      "generate:gen:2",
      "process:step:2",
      "process:step:3",
      "write_parquet:default:0",
      "finalize",
    ]);
    const generates = sim.dispatchedOf("gen", "generate");
    expect(generates.map((w) => (w.type === "generate" ? w.offset : -1))).toEqual([0, 4, 8]);
    const steps = sim.dispatchedOf("step") as ProcessWork[];
    expect(steps.map((w) => w.data)).toEqual([
      [{ from: "gen", slices: [{ seq_no: 0, start: 0, end: 3 }] }],
      [
        {
          from: "gen",
          slices: [
            { seq_no: 0, start: 3, end: 4 },
            { seq_no: 1, start: 0, end: 2 },
          ],
        },
      ],
      [
        {
          from: "gen",
          slices: [
            { seq_no: 1, start: 2, end: 4 },
            { seq_no: 2, start: 0, end: 1 },
          ],
        },
      ],
      [{ from: "gen", slices: [{ seq_no: 2, start: 1, end: 2 }] }],
    ]);
    expect(steps.map((w) => w.created_from)).toEqual([
      { gen: [[0, 4, 3]] },
      {
        gen: [
          [0, 4, 1],
          [1, 4, 2],
        ],
      },
      {
        gen: [
          [1, 4, 2],
          [2, 2, 1],
        ],
      },
      { gen: [[2, 2, 1]] },
    ]);
    expect(steps.map((w) => w.last_batch)).toEqual([false, false, false, true]);
    const write = sim.dispatched.find((w) => w.type === "write_parquet");
    expect(write).toEqual({
      type: "write_parquet",
      id: "write_parquet:default:0",
      run_id: "run-1",
      step: "step",
      config: "default",
      split: "train",
      file_index: 0,
      seq_nos: [0, 1, 2, 3],
    });
    expect(sim.state.status).toBe("succeeded");
    expect(sim.state.finalize).toBe("done");
    expect(sim.dataset()).toEqual(range(10).map((i) => `step(gen:${i})`));
    expect(sim.state.steps.step).toMatchObject({ batches_sent: 4, batches_done: 4, rows_in: 10, rows_out: 10, done: true, inflight: 0 });
    expect(sim.state.steps.gen).toMatchObject({ batches_sent: 3, batches_done: 3, rows_out: 10, next_offset: 10, done: true });
    expect(sim.state.leaves.step?.files).toEqual([{ path: "runs/run-1/distiset/default/train/00000.parquet", size_bytes: 1000, num_rows: 10, file_index: 0 }]);
    expect(sim.state.leaves.step?.columns).toEqual(["text"]);
    expect(sim.state.inflight).toEqual({});
  });

  it.each([["lifo" as const], [{ random: "1" }], [{ random: "2" }], [{ random: "3" }], [{ random: "4" }]])(
    "gives the same rows in the same order when reports arrive %j",
    (order) => {
      const fifo = new EngineSim(branching({ maxRowsPerFile: 6 }), { generators: { gen: 23 } });
      fifo.start();
      fifo.runAll("fifo");
      const shuffled = new EngineSim(branching({ maxRowsPerFile: 6 }), { generators: { gen: 23 } });
      shuffled.start();
      shuffled.runAll(order);
      expect(shuffled.state.status).toBe("succeeded");
      expect(shuffled.dataset("b")).toEqual(range(23).map((i) => `b(a(gen:${i}))`));
      expect(shuffled.dataset("c")).toEqual(range(23).map((i) => `c(gen:${i})`));
      expect(shuffled.dataset("b")).toEqual(fifo.dataset("b"));
      expect(shuffled.dataset("c")).toEqual(fifo.dataset("c"));
      for (const step of ["gen", "a", "b", "c"]) {
        expect(shuffled.state.steps[step]?.rows_out).toBe(23);
        expect(shuffled.state.steps[step]?.batches_done).toBe(fifo.state.steps[step]?.batches_done);
      }
    },
  );

  it("names one config per leaf when there are several leaves", () => {
    const sim = new EngineSim(branching(), { generators: { gen: 23 } });
    expect(sim.state.plan.configs).toEqual({ b: "b", c: "c" });
    sim.start();
    sim.runAll();
    expect([...sim.files.keys()].sort()).toEqual(["b", "c"]);
  });

  it("never has more than max_inflight_per_step batches of a step in flight", () => {
    const sim = new EngineSim(branching({ maxInflightPerStep: 1 }), { generators: { gen: 23 } });
    sim.start();
    let delivered = 0;
    while (sim.pending.length > 0 && delivered++ < 1000) {
      for (const step of ["a", "b", "c"]) expect(sim.pending.filter((w) => w.type === "process" && w.step === step).length).toBeLessThanOrEqual(1);
      sim.deliver(sim.pending.length - 1);
    }
    expect(sim.state.status).toBe("succeeded");
    expect(sim.dataset("b")).toHaveLength(23);
  });

  it("lets a step's replicas raise its in-flight cap above the run's default", () => {
    const spec = dagSpec(
      [
        dagStep("gen", "generator", { batchSize: 20 }),
        { ...dagStep("a", "normal", { inputBatchSize: 1 }), replicas: 5 },
        dagStep("b", "normal", { inputBatchSize: 1 }),
      ],
      [
        ["gen", "a"],
        ["gen", "b"],
      ],
    );
    const sim = new EngineSim(plan(spec, { maxInflightPerStep: 2 }), { generators: { gen: 20 } });
    expect(sim.state.plan.steps.a?.max_inflight).toBe(5);
    expect(sim.state.plan.steps.b?.max_inflight).toBe(2);
    sim.start();
    sim.deliver(0);
    const inflight = (step: string) => sim.pending.filter((w) => w.type === "process" && w.step === step).length;
    expect(inflight("a")).toBe(5);
    expect(inflight("b")).toBe(2);
    sim.runAll();
    expect(sim.state.status).toBe("succeeded");
  });
});

describe("applyReport", () => {
  it("changes nothing when the same report arrives twice", () => {
    const sim = new EngineSim(linear(), { generators: { gen: 10 } });
    sim.start();
    const work = sim.pending[0] as WorkItem;
    const report = sim.execute(work);
    sim.deliver(0, report);
    const before = sim.state;
    const again = applyReport(before, report, context);
    expect(again.state).toBe(before);
    expect(again.dispatch).toEqual([]);
  });

  it("ignores a report for work it never sent", () => {
    const sim = new EngineSim(linear(), { generators: { gen: 10 } });
    sim.start();
    const before = sim.state;
    const result = applyReport(before, { id: "process:ghost:0", run_id: "run-1", type: "process", step: "ghost", seq_no: 0, num_rows: 5 }, context);
    expect(result.state).toBe(before);
    expect(result.dispatch).toEqual([]);
  });

  it("rejects a malformed report", () => {
    const sim = new EngineSim(linear(), { generators: { gen: 10 } });
    sim.start();
    expect(() => applyReport(sim.state, { id: "generate:gen:0", run_id: "run-1", type: "generate", num_rows: -1 }, context)).toThrow(/num_rows/);
  });

  it("records row errors of a batch and carries on", () => {
    const sim = new EngineSim(linear(), { generators: { gen: 10 } });
    sim.start();
    sim.deliver(0);
    const work = sim.pending[0] as ProcessWork;
    sim.deliver(0, { ...sim.execute(work), errors: [{ code: "llm_failed", message: "2 row(s) got null generations" }] });
    expect(sim.state.status).toBe("running");
    expect(sim.state.errors).toEqual([{ step: "step", seq_no: 0, code: "llm_failed", message: "2 row(s) got null generations", at: 0 }]);
    expect(sim.state.steps.step?.errors).toBe(1);
    sim.runAll();
    expect(sim.state.status).toBe("succeeded");
    expect(sim.state.error_count).toBe(1);
  });

  it("keeps the latest errors only, but counts them all", () => {
    const sim = new EngineSim(linear(), { generators: { gen: 10 } });
    sim.start();
    sim.deliver(0);
    const errors = range(150).map((i) => ({ code: "llm_failed", message: `error ${i}` }));
    sim.deliver(0, { ...sim.execute(sim.pending[0] as WorkItem), errors });
    expect(sim.state.error_count).toBe(150);
    expect(sim.state.errors).toHaveLength(MAX_RECORDED_ERRORS);
    expect(sim.state.errors[0]?.message).toBe("error 50");
    expect(sim.state.errors.at(-1)?.message).toBe("error 149");
  });
});
