import { describe, expect, it } from "vitest";
import { applyReportFusing } from "../../../src/engine/fused-report.js";
import { startRun } from "../../../src/engine/run-engine.js";
import { createRunState } from "../../../src/engine/run-state.js";
import { fusedSuccessor, fusionTarget } from "../../../src/engine/step-fusion.js";
import { abandonWork, DEFAULT_LEASE_POLICY } from "../../../src/engine/work-leases.js";
import type { WorkItem } from "../../../src/engine/work.js";
import { createDefaultRegistry } from "../../../src/default-registry.js";
import { routingResolver } from "../../../src/runtime/routing-resolver.js";
import { EngineSim, dagSpec, dagStep, plan } from "./engine-sim.js";

const context = { now: 1_000, routing: routingResolver(createDefaultRegistry()) };
const policy = DEFAULT_LEASE_POLICY;

/** gen (batch_size 4) -> a (4) -> b (4). */
const chain = (options: Parameters<typeof plan>[1] = {}) =>
  plan(
    dagSpec(
      [dagStep("gen", "generator", { batchSize: 4 }), dagStep("a", "normal", { inputBatchSize: 4 }), dagStep("b", "normal", { inputBatchSize: 4 })],
      [
        ["gen", "a"],
        ["a", "b"],
      ],
    ),
    options,
  );

describe("the fusion decision in the run plan", () => {
  it("fuses each step of an aligned chain into its successor", () => {
    const p = chain();
    expect([p.steps.gen?.fuse_into, p.steps.a?.fuse_into, p.steps.b?.fuse_into]).toEqual(["a", "b", null]);
  });

  it("is off with fuseSteps: false", () => {
    const p = chain({ fuseSteps: false });
    expect(Object.values(p.steps).map((s) => s.fuse_into)).toEqual([null, null, null]);
  });

  it("needs the successor's input batch size to be the size the step's batches come in", () => {
    const p = plan(
      dagSpec(
        [dagStep("gen", "generator", { batchSize: 4 }), dagStep("a", "normal", { inputBatchSize: 3 }), dagStep("b", "normal", { inputBatchSize: 4 })],
        [
          ["gen", "a"],
          ["a", "b"],
        ],
      ),
    );
    expect(p.steps.gen?.fuse_into).toBeNull();
    expect(p.steps.a?.fuse_into).toBeNull();
  });

  it("never fuses into a step with two predecessors, a step with two successors, a global step or across a routing function", () => {
    const join = plan(
      dagSpec(
        [dagStep("g1", "generator", { batchSize: 4 }), dagStep("g2", "generator", { batchSize: 4 }), dagStep("j", "normal", { inputBatchSize: 4 })],
        [
          ["g1", "j"],
          ["g2", "j"],
        ],
      ),
    );
    expect([join.steps.g1?.fuse_into, join.steps.g2?.fuse_into]).toEqual([null, null]);
    const fork = plan(
      dagSpec(
        [dagStep("gen", "generator", { batchSize: 4 }), dagStep("x", "normal", { inputBatchSize: 4 }), dagStep("y", "normal", { inputBatchSize: 4 })],
        [
          ["gen", "x"],
          ["gen", "y"],
        ],
      ),
    );
    expect(fork.steps.gen?.fuse_into).toBeNull();
    const global = plan(
      dagSpec(
        [dagStep("gen", "generator", { batchSize: 4 }), dagStep("g", "global", { inputBatchSize: 4 }), dagStep("z", "normal", { inputBatchSize: 4 })],
        [
          ["gen", "g"],
          ["g", "z"],
        ],
      ),
    );
    expect([global.steps.gen?.fuse_into, global.steps.g?.fuse_into]).toEqual([null, null]);
    const routed = plan(
      dagSpec([dagStep("gen", "generator", { batchSize: 4 }), dagStep("x", "normal", { inputBatchSize: 4 })], [["gen", "x"]], {
        gen: { typeName: "sample_n_steps", kwargs: { n: 1 } },
      }),
    );
    expect(routed.steps.gen?.fuse_into).toBeNull();
  });

  it("never fuses across load stages", () => {
    const p = chain({ loadGroups: "sequential_step_execution" });
    expect(Object.values(p.steps).map((s) => s.fuse_into)).toEqual([null, null, null]);
  });

  it("keeps a generator off an LLM step (its control queue must stay quick), but fuses a normal step into one", () => {
    const p = chain({ llmSteps: ["a", "b"] });
    expect([p.steps.gen?.fuse_into, p.steps.a?.fuse_into]).toEqual([null, "b"]);
    expect(fusionTarget("gen", p.steps, { enabled: true, llmSteps: new Set() })).toBe("a");
  });
});

describe("fusedSuccessor", () => {
  const gen0: WorkItem = { type: "generate", id: "generate:gen:0", run_id: "r", step: "gen", seq_no: 0, offset: 0, force_last_batch: false };
  const batch = (seqNo: number, slices: Array<{ seq_no: number; start: number; end: number }>): WorkItem => ({
    type: "process",
    id: `process:a:${seqNo}`,
    run_id: "r",
    step: "a",
    seq_no: seqNo,
    last_batch: false,
    accumulated: false,
    data: [{ from: "gen", slices }],
    created_from: {},
    batch_routed_to: [],
  });

  it("picks the batch built from the reported batch alone", () => {
    const own = batch(0, [{ seq_no: 0, start: 0, end: 4 }]);
    expect(fusedSuccessor(gen0, "a", [own])).toBe(own);
  });

  it("leaves a batch that also holds rows of another batch, or none of the reported one", () => {
    expect(
      fusedSuccessor(gen0, "a", [
        batch(0, [
          { seq_no: 0, start: 0, end: 2 },
          { seq_no: 1, start: 0, end: 2 },
        ]),
      ]),
    ).toBeUndefined();
    expect(fusedSuccessor(gen0, "a", [batch(1, [{ seq_no: 1, start: 0, end: 4 }])])).toBeUndefined();
    expect(fusedSuccessor(gen0, null, [batch(0, [{ seq_no: 0, start: 0, end: 4 }])])).toBeUndefined();
  });
});

describe("applyReportFusing", () => {
  const started = (p = chain()) => startRun(createRunState("run-1", p), context).state;
  const genReport = (rows: number, last = false) => ({
    id: "generate:gen:0",
    run_id: "run-1",
    type: "generate" as const,
    step: "gen",
    seq_no: 0,
    num_rows: rows,
    bytes: 10,
    last_batch: last,
  });

  it("hands the successor's batch to the reporting consumer, leased and counted, instead of dispatching it", () => {
    const state = started();
    const { state: next, dispatch, fused } = applyReportFusing(state, genReport(4), context, policy, true);
    expect(fused?.work).toMatchObject({ id: "process:a:0", data: [{ from: "gen", slices: [{ seq_no: 0, start: 0, end: 4 }] }] });
    expect(fused?.leaseMs).toBe(policy.leaseMs);
    expect(dispatch.map((w) => w.id)).toEqual(["generate:gen:1"]);
    expect(next.inflight["process:a:0"]).toMatchObject({ attempts: 1, started_at: 1_000, lease_until: 1_000 + policy.leaseMs });
    expect(next.steps.a).toMatchObject({ batches_sent: 1, inflight: 1, rows_in: 4, batches_fused: 1 });
    // The input state is never modified.
    expect(state.inflight["process:a:0"]).toBeUndefined();
  });

  it("dispatches as usual when the consumer takes no fused work", () => {
    const { dispatch, fused } = applyReportFusing(started(), genReport(4), context, policy, false);
    expect(fused).toBeUndefined();
    expect(dispatch.map((w) => w.id)).toEqual(["process:a:0", "generate:gen:1"]);
  });

  it("fuses nothing when the batch cannot be built from the reported batch alone", () => {
    // 3 rows of 4: the batch manager waits for the next generator batch.
    const { dispatch, fused } = applyReportFusing(started(), genReport(3), context, policy, true);
    expect(fused).toBeUndefined();
    expect(dispatch.map((w) => w.id)).toEqual(["generate:gen:1"]);
  });

  it("changes nothing on a duplicate report of the fused batch's predecessor", () => {
    const first = applyReportFusing(started(), genReport(4), context, policy, true).state;
    const again = applyReportFusing(first, genReport(4), context, policy, true);
    expect(again.state).toBe(first);
    expect(again.fused).toBeUndefined();
    expect(again.dispatch).toEqual([]);
  });

  it("sends a fused batch given back by its consumer through the queue", () => {
    const fusedState = applyReportFusing(started(), genReport(4), context, policy, true).state;
    const { state, dispatch } = abandonWork(fusedState, "process:a:0", "boom", 2_000, 2_000, true);
    expect(dispatch.map((w) => w.id)).toEqual(["process:a:0"]);
    expect(state.inflight["process:a:0"]).toMatchObject({ last_error: "boom", dispatched_at: 2_000, attempts: 1 });
    expect(state.inflight["process:a:0"]?.lease_until).toBeUndefined();
  });

  it("fuses the first of two batches an earlier report completes, and dispatches the other", () => {
    // a's batch 1 reports before batch 0: its output waits, in seq order, for batch 0's.
    const sim = new EngineSim(chain({ fuseSteps: false }), { generators: { gen: 8 } });
    sim.start();
    sim.deliver("generate:gen:0");
    sim.deliver("generate:gen:1");
    const fusingPlan = chain();
    const state = { ...sim.state, plan: fusingPlan };
    const a1 = applyReportFusing(state, sim.execute(sim.pending.find((w) => w.id === "process:a:1") as WorkItem), context, policy, true);
    expect(a1.fused).toBeUndefined();
    expect(a1.dispatch).toEqual([]);
    const a0 = applyReportFusing(a1.state, sim.execute(sim.pending.find((w) => w.id === "process:a:0") as WorkItem), context, policy, true);
    expect(a0.fused?.work.id).toBe("process:b:0");
    expect(a0.dispatch.map((w) => w.id)).toEqual(["process:b:1"]);
  });

  it("produces exactly the rows of an unfused run, in order", () => {
    const unfused = new EngineSim(chain({ fuseSteps: false }), { generators: { gen: 10 } });
    unfused.start();
    unfused.runAll();
    // The consumer's loop: run the reported work's fused successor before anything else.
    const sim = new EngineSim(chain(), { generators: { gen: 10 } });
    sim.start();
    let fusedCount = 0;
    while (sim.pending.length > 0) {
      let work: WorkItem | undefined = sim.pending.shift() as WorkItem;
      while (work) {
        const transition = applyReportFusing(sim.state, sim.execute(work), context, policy, true);
        sim.accept(transition);
        work = transition.fused?.work;
        if (work) fusedCount++;
      }
    }
    expect(sim.state.status).toBe("succeeded");
    expect(sim.dataset()).toEqual(unfused.dataset());
    expect(sim.dataset()).toHaveLength(10);
    // 3 batches of a and 3 of b, every one of them fused.
    expect(fusedCount).toBe(6);
    expect([sim.state.steps.a?.batches_fused, sim.state.steps.b?.batches_fused]).toEqual([3, 3]);
  });
});
