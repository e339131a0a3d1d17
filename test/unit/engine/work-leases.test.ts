import { describe, expect, it } from "vitest";
import { applyReport } from "../../../src/engine/run-engine.js";
import type { WorkItem } from "../../../src/engine/work.js";
import {
  abandonWork,
  DEFAULT_LEASE_POLICY,
  failWork,
  LAPSED_LEASE_ERROR,
  nextLossCheck,
  redispatchLost,
  renewLease,
  resumeRunOrResend,
  startWork,
  type LeasePolicy,
} from "../../../src/engine/work-leases.js";
import { routingResolver } from "../../../src/runtime/routing-resolver.js";
import { createDefaultRegistry } from "../../../src/default-registry.js";
import { EngineSim, dagSpec, dagStep, plan } from "./engine-sim.js";

const policy: LeasePolicy = { leaseMs: 1_000, unstartedGraceMs: 2_000, maxAttempts: 3 };
const routing = routingResolver(createDefaultRegistry());

/** gen (10 rows, batch_size 2) -> step (input_batch_size 2). */
const linear = () => plan(dagSpec([dagStep("gen", "generator", { batchSize: 2 }), dagStep("step", "normal", { inputBatchSize: 2 })], [["gen", "step"]]));

function running(now: { t: number }) {
  const sim = new EngineSim(linear(), { generators: { gen: 10 }, now: () => now.t });
  sim.start();
  return sim;
}

describe("work leases", () => {
  it("the production lease is about half a minute, so a restarted runtime carries on within a minute", () => {
    expect(DEFAULT_LEASE_POLICY.leaseMs).toBeLessThanOrEqual(30_000);
    expect(DEFAULT_LEASE_POLICY.unstartedGraceMs).toBeLessThanOrEqual(30_000);
  });

  it("grants a start of work in flight, and nothing for work already reported", () => {
    const now = { t: 0 };
    const sim = running(now);
    const work = sim.pending[0] as WorkItem;
    const started = startWork(sim.state, work.id, 10, policy);
    expect(started.outcome).toEqual({ granted: true, leaseMs: 1_000 });
    expect(started.state.inflight[work.id]).toMatchObject({ attempts: 1, started_at: 10, lease_until: 1_010 });
    // the input is never modified
    expect(sim.state.inflight[work.id]?.attempts).toBe(0);
    // a duplicate message while the lease is held is not granted
    expect(startWork(started.state, work.id, 500, policy).outcome).toEqual({ granted: false, reason: "held" });
    sim.state = started.state;
    sim.deliver(work.id);
    const again = startWork(sim.state, work.id, 20, policy);
    expect(again.outcome).toEqual({ granted: false, reason: "unknown" });
    expect(again.state).toBe(sim.state);
  });

  it("sends again work whose lease lapsed, and not work whose lease was renewed", () => {
    const now = { t: 0 };
    const sim = running(now);
    const id = (sim.pending[0] as WorkItem).id;
    sim.state = startWork(sim.state, id, 0, policy).state;
    expect(redispatchLost(sim.state, 999, policy).dispatch).toEqual([]);
    const renewed = renewLease(sim.state, id, 900, policy).state;
    expect(redispatchLost(renewed, 1_500, policy).dispatch).toEqual([]);
    const { state, dispatch } = redispatchLost(sim.state, 1_000, policy);
    expect(dispatch.map((w) => w.id)).toEqual([id]);
    expect(state.inflight[id]).toMatchObject({ dispatched_at: 1_000, last_error: LAPSED_LEASE_ERROR });
    expect(state.inflight[id]?.lease_until).toBeUndefined();
  });

  it("waits longer for unstarted work the deeper the backlog ahead of it", () => {
    const now = { t: 0 };
    const sim = running(now);
    // One generator request in flight, unstarted: it is lost after the grace alone.
    expect(nextLossCheck(sim.state, policy)).toBe(2_000);
    // Items that took 5 s each, one consumer holding work: the tenth in line waits 9 x 5 s more.
    const state = structuredClone(sim.state);
    state.work_timing = { mean_ms: 5_000, samples: 10 };
    const template = sim.pending[0] as WorkItem;
    for (let i = 1; i <= 10; i++) state.inflight[`w${i}`] = { work: { ...template, id: `w${i}` }, dispatched_at: 0, attempts: 0 };
    state.inflight[template.id] = { ...state.inflight[template.id]!, started_at: 0, lease_until: 100_000 };
    const lost = redispatchLost(state, 2_000 + 9 * 5_000 - 1, policy).dispatch.map((w) => w.id);
    expect(lost).toEqual(["w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "w9"]);
    expect(redispatchLost(state, 2_000 + 9 * 5_000, policy).dispatch.map((w) => w.id)).toContain("w10");
  });

  it("fails the run once an item was started more often than allowed, naming its last error", () => {
    const now = { t: 0 };
    const sim = running(now);
    const id = (sim.pending[0] as WorkItem).id;
    let state = sim.state;
    for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
      const started = startWork(state, id, attempt * 10_000, policy);
      expect(started.outcome.granted).toBe(true);
      state = abandonWork(started.state, id, `boom ${attempt}`, attempt * 10_000 + 5, 1_000).state;
    }
    const exhausted = startWork(state, id, 99_000, policy);
    expect(exhausted.outcome).toEqual({ granted: false, reason: "attempts_exhausted" });
    expect(exhausted.state.status).toBe("failed");
    expect(exhausted.state.error?.message).toBe(`Step 'gen': work '${id}' was started 3 time(s) without finishing; last error: boom 3`);
    expect(exhausted.state.inflight[id]).toBeUndefined();
    expect(exhausted.state.failed_work.map((w) => w.id)).toEqual([id]);
  });

  it("an abandoned item waits for the queue's redelivery before it counts as lost", () => {
    const now = { t: 0 };
    const sim = running(now);
    const id = (sim.pending[0] as WorkItem).id;
    const started = startWork(sim.state, id, 0, policy).state;
    const abandoned = abandonWork(started, id, "R2 down", 100, 30_000).state;
    expect(abandoned.inflight[id]).toMatchObject({ last_error: "R2 down", dispatched_at: 30_100 });
    expect(redispatchLost(abandoned, 30_100 + policy.unstartedGraceMs - 1, policy).dispatch).toEqual([]);
    expect(redispatchLost(abandoned, 30_100 + policy.unstartedGraceMs, policy).dispatch.map((w) => w.id)).toEqual([id]);
  });

  it("a dead-lettered item fails the run with the reason and its last error; a resume sends it again", () => {
    const now = { t: 0 };
    const sim = running(now);
    const id = (sim.pending[0] as WorkItem).id;
    const abandoned = abandonWork(startWork(sim.state, id, 0, policy).state, id, "pipeline.yaml unreadable", 1, 0).state;
    const failed = failWork(abandoned, id, "dead-lettered after its retries", 2).state;
    expect(failed.status).toBe("failed");
    expect(failed.error?.message).toBe("Step 'gen': dead-lettered after its retries; last error: pipeline.yaml unreadable");
    expect(failed.steps.gen?.inflight).toBe(0);
    const resumed = resumeRunOrResend(failed, { now: 3, routing });
    expect(resumed.state.status).toBe("running");
    expect(resumed.dispatch.map((w) => w.id)).toEqual([id]);
  });

  it("resume on a running run sends every unreported item again; a duplicate report changes nothing", () => {
    const now = { t: 0 };
    const sim = running(now);
    sim.deliver(0);
    const unreported = Object.keys(sim.state.inflight).sort();
    expect(unreported.length).toBeGreaterThan(0);
    const { state, dispatch } = resumeRunOrResend(sim.state, { now: 50, routing });
    expect(state.status).toBe("running");
    expect(dispatch.map((w) => w.id).sort()).toEqual(unreported);
    sim.state = state;
    const work = sim.pending[0] as WorkItem;
    const report = sim.execute(work);
    sim.deliver(0, report);
    expect(applyReport(sim.state, report, { now: 60, routing }).state).toBe(sim.state);
    sim.runAll();
    expect(sim.dataset()).toHaveLength(10);
  });

  it("times work from its start to its report", () => {
    const now = { t: 0 };
    const sim = running(now);
    const id = (sim.pending[0] as WorkItem).id;
    sim.state = startWork(sim.state, id, 1_000, policy).state;
    now.t = 1_400;
    sim.deliver(id);
    expect(sim.state.work_timing).toEqual({ mean_ms: 400, samples: 1 });
  });
});
