import { describe, expect, it } from "vitest";
import { DistilflareError } from "../../../src/errors.js";
import { failRun, resumeRun, stopRun } from "../../../src/engine/run-engine.js";
import { createRunState } from "../../../src/engine/run-state.js";
import { createDefaultRegistry } from "../../../src/default-registry.js";
import { EngineSim, branching, dagSpec, dagStep, engineContext as context, linear, plan, range } from "./engine-sim.js";

describe("stop and resume", () => {
  it("sends nothing new after a stop and is stopped once the work in flight is reported", () => {
    const sim = new EngineSim(branching(), { generators: { gen: 23 } });
    sim.start();
    sim.deliver(0);
    expect(sim.pending.length).toBeGreaterThan(1);
    expect(sim.stop()).toEqual([]);
    expect(sim.state.status).toBe("stopping");
    const inFlight = sim.pending.length;
    for (let i = 0; i < inFlight; i++) {
      expect(sim.state.status).toBe("stopping");
      expect(sim.deliver(0)).toEqual([]);
    }
    expect(sim.state.status).toBe("stopped");
    expect(sim.state.inflight).toEqual({});
  });

  it("stops at once when nothing is in flight", () => {
    const { state } = stopRun(createRunState("run-1", linear()));
    expect(state.status).toBe("stopped");
  });

  it("refuses to stop a finished run or resume a running one", () => {
    const sim = new EngineSim(linear(), { generators: { gen: 10 } });
    sim.start();
    expect(() => resumeRun(sim.state, context)).toThrow("Run 'run-1' cannot be resumed from status 'running'");
    sim.runAll();
    expect(() => stopRun(sim.state)).toThrow(new DistilflareError("conflict", "Run 'run-1' cannot be stopped from status 'succeeded'"));
  });

  it("carries on from where it stopped and produces the same rows as an uninterrupted run", () => {
    const sim = new EngineSim(branching({ maxRowsPerFile: 6 }), { generators: { gen: 23 } });
    sim.start();
    for (let i = 0; i < 5; i++) sim.deliver(0);
    sim.stop();
    sim.runAll();
    expect(sim.state.status).toBe("stopped");
    const sentBeforeResume = sim.dispatched.length;
    const resumed = sim.resume();
    expect(sim.state.status).toBe("running");
    expect(resumed.length).toBeGreaterThan(0);
    expect(sim.dispatched.slice(sentBeforeResume)).toEqual(resumed);
    sim.runAll();
    expect(sim.state.status).toBe("succeeded");
    expect(sim.dataset("b")).toEqual(range(23).map((i) => `b(a(gen:${i}))`));
    expect(sim.dataset("c")).toEqual(range(23).map((i) => `c(gen:${i})`));
    // Nothing was sent twice.
    const ids = sim.dispatched.map((w) => w.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("sends the work still in flight again when a stopping run is resumed", () => {
    const sim = new EngineSim(linear(), { generators: { gen: 10 } });
    sim.start();
    sim.stop();
    expect(sim.state.status).toBe("stopping");
    const resent = sim.resume();
    expect(resent.map((w) => w.id)).toEqual(["generate:gen:0"]);
    sim.runAll();
    expect(sim.state.status).toBe("succeeded");
  });
});

describe("failures", () => {
  it("fails the run on a fatal report and sends nothing more", () => {
    const sim = new EngineSim(linear(), { generators: { gen: 10 } });
    sim.start();
    const dispatch = sim.deliver(0, { id: "generate:gen:0", run_id: "run-1", type: "generate", fatal: { code: "step_failed", message: "boom" } });
    expect(dispatch).toEqual([]);
    expect(sim.state.status).toBe("failed");
    expect(sim.state.error).toEqual({ code: "step_failed", message: "Step 'gen': boom" });
    expect(sim.state.errors).toEqual([{ step: "gen", seq_no: 0, code: "step_failed", message: "boom", at: 0 }]);
    expect(sim.state.failed_work.map((w) => w.id)).toEqual(["generate:gen:0"]);
    expect(sim.state.steps.gen).toMatchObject({ errors: 1, inflight: 0, outstanding: false });
  });

  it("re-sends a failed generator request once on resume", () => {
    const sim = new EngineSim(linear(), { generators: { gen: 10 } });
    sim.start();
    sim.deliver(0, { id: "generate:gen:0", run_id: "run-1", type: "generate", fatal: { code: "step_failed", message: "boom" } });
    const resent = sim.resume();
    expect(resent.map((w) => w.id)).toEqual(["generate:gen:0"]);
    expect(sim.state.steps.gen).toMatchObject({ inflight: 1, outstanding: true });
    sim.runAll();
    expect(sim.state.status).toBe("succeeded");
    expect(sim.dataset()).toEqual(range(10).map((i) => `step(gen:${i})`));
  });

  it("re-sends the failed work on resume and finishes the run", () => {
    const sim = new EngineSim(linear(), { generators: { gen: 10 } });
    sim.start();
    sim.deliver(0);
    sim.deliver(0, { id: "process:step:0", run_id: "run-1", type: "process", fatal: { code: "storage_failed", message: "R2 down" } });
    expect(sim.state.status).toBe("failed");
    const resent = sim.resume();
    expect(resent.map((w) => w.id)).toContain("process:step:0");
    expect(sim.state.status).toBe("running");
    expect(sim.state.error).toBeNull();
    expect(sim.state.failed_work).toEqual([]);
    sim.runAll();
    expect(sim.state.status).toBe("succeeded");
    expect(sim.dataset()).toEqual(range(10).map((i) => `step(gen:${i})`));
  });

  it("keeps the outputs of work reported after the run failed, so a resume loses no rows", () => {
    const sim = new EngineSim(branching(), { generators: { gen: 23 } });
    sim.start();
    while (sim.pending.filter((w) => w.type === "process").length < 2) sim.deliver(0);
    // Two step batches are in flight; the first one fails the run.
    const [first, second] = sim.pending.filter((w) => w.type === "process");
    expect(first?.type).toBe("process");
    expect(second?.type).toBe("process");
    sim.deliver(first!.id, { id: first!.id, run_id: "run-1", type: "process", fatal: { code: "internal", message: "crash" } });
    expect(sim.state.status).toBe("failed");
    expect(sim.deliver(second!.id)).toEqual([]);
    sim.runAll();
    sim.resume();
    sim.runAll();
    expect(sim.state.status).toBe("succeeded");
    expect(sim.dataset("b")).toEqual(range(23).map((i) => `b(a(gen:${i}))`));
    expect(sim.dataset("c")).toEqual(range(23).map((i) => `c(gen:${i})`));
  });

  it("failRun fails the run and keeps the named step's work for a resume", () => {
    const sim = new EngineSim(linear(), { generators: { gen: 10 } });
    sim.start();
    const { state, dispatch } = failRun(sim.state, { code: "step_failed", message: "dead-lettered", step: "gen" }, { now: 5 });
    expect(dispatch).toEqual([]);
    expect(state.status).toBe("failed");
    expect(state.error).toEqual({ code: "step_failed", message: "Step 'gen': dead-lettered" });
    expect(state.failed_work.map((w) => w.id)).toEqual(["generate:gen:0"]);
    expect(state.inflight).toEqual({});
    expect(state.steps.gen).toMatchObject({ inflight: 0, outstanding: false });
    const resumed = resumeRun(state, context);
    expect(resumed.dispatch.map((w) => w.id)).toEqual(["generate:gen:0"]);
  });

  it("fails the run when a routing function picks a step that is not a successor", async () => {
    const { defineRoutingBatchFunction } = await import("../../../src/pipeline/routing-batch-function.js");
    const registry = createDefaultRegistry().registerRouting(defineRoutingBatchFunction("to_nowhere", () => () => ["nowhere"]));
    const p = plan(
      dagSpec(
        [dagStep("gen", "generator", { batchSize: 2 }), dagStep("a", "normal", { inputBatchSize: 2 }), dagStep("b", "normal", { inputBatchSize: 2 })],
        [
          ["gen", "a"],
          ["gen", "b"],
        ],
        { gen: { typeName: "to_nowhere", kwargs: {} } },
      ),
    );
    const sim = new EngineSim(p, { generators: { gen: 4 }, registry });
    sim.start();
    sim.deliver(0);
    expect(sim.state.status).toBe("failed");
    expect(sim.state.error).toEqual({
      code: "invalid_dag",
      message: `Step 'gen': routing batch function 'to_nowhere' returned ["nowhere"] for batch 0; it must return a non-empty subset of ["a","b"]`,
    });
  });
});
