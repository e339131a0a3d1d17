import { describe, expect, it } from "vitest";
import { OFFLINE_BATCH_BACKOFF, pendingOfflineBatches } from "../../../src/engine/offline-batch-wait.js";
import { runView } from "../../../src/engine/run-view.js";
import type { WorkItem, WorkReportInput } from "../../../src/engine/work.js";
import { nextLossCheck, redispatchLost, startWork, type LeasePolicy } from "../../../src/engine/work-leases.js";
import { EngineSim, dagSpec, dagStep, plan } from "./engine-sim.js";

const policy: LeasePolicy = { leaseMs: 1_000, unstartedGraceMs: 2_000, maxAttempts: 3 };
const linear = () => plan(dagSpec([dagStep("gen", "generator", { batchSize: 2 }), dagStep("step", "normal", { inputBatchSize: 2 })], [["gen", "step"]]));

const job = (status: string, extra: Record<string, unknown> = {}) => ({
  provider: "OpenAILLM",
  job_id: "batch_1",
  status,
  counts: { total: 2, completed: 0, failed: 0 },
  submitted_at: 5,
  ...extra,
});

/** A run whose first step batch was just reported pending on a provider batch job (at t = 100). */
function pendingRun(jobExtra: Record<string, unknown> = {}) {
  const now = { t: 0 };
  const sim = new EngineSim(linear(), { generators: { gen: 2 }, now: () => now.t });
  sim.start();
  sim.deliver("generate:gen:0");
  const work = sim.pending.find((w) => w.type === "process") as WorkItem;
  sim.state = startWork(sim.state, work.id, 50, policy).state;
  now.t = 100;
  const report: WorkReportInput = { id: work.id, run_id: work.run_id, type: "process", step: "step", seq_no: 0, offline_batch: job("validating", jobExtra) };
  sim.deliver(work.id, report);
  return { sim, now, work, report };
}

describe("waiting on a provider batch job", () => {
  it("keeps the batch in flight without a lease, its attempts reset, polled at the next interval", () => {
    const { sim, work } = pendingRun({ poll_interval_seconds: 30 });
    const entry = sim.state.inflight[work.id];
    expect(entry).toMatchObject({
      attempts: 0,
      dispatched_at: 100,
      offline_batch: { job_id: "batch_1", status: "validating", polls: 0, next_poll_at: 30_100 },
    });
    expect(entry?.lease_until).toBeUndefined();
    expect(sim.state.status).toBe("running");
    expect(sim.state.steps.step).toMatchObject({ batches_done: 0, inflight: 1 });
    // The run's alarm is set for the poll; before it nothing is sent, at it the batch goes out again.
    expect(nextLossCheck(sim.state, policy)).toBe(30_100);
    expect(redispatchLost(sim.state, 30_099, policy).dispatch).toEqual([]);
    expect(redispatchLost(sim.state, 30_100, policy).dispatch.map((w) => w.id)).toEqual([work.id]);
  });

  it("backs off between polls without a poll interval, and completes with the batch's rows", () => {
    const { sim, now, work, report } = pendingRun();
    expect(sim.state.inflight[work.id]?.offline_batch?.next_poll_at).toBe(100 + OFFLINE_BATCH_BACKOFF.firstMs);
    now.t = 100 + OFFLINE_BATCH_BACKOFF.firstMs;
    sim.accept(redispatchLost(sim.state, now.t, policy));
    // Sent again, it is ordinary unstarted work (a lost poll is sent again after the grace).
    expect(nextLossCheck(sim.state, policy)).toBe(now.t + policy.unstartedGraceMs);
    sim.deliver(work.id, { ...report, offline_batch: job("in_progress", { counts: { total: 2, completed: 1, failed: 0 } }) });
    expect(sim.state.inflight[work.id]?.offline_batch).toMatchObject({
      status: "in_progress",
      polls: 1,
      next_poll_at: now.t + 2 * OFFLINE_BATCH_BACKOFF.firstMs,
    });
    expect(pendingOfflineBatches(sim.state)).toEqual([
      expect.objectContaining({ step: "step", seq_no: 0, job_id: "batch_1", status: "in_progress", counts: { total: 2, completed: 1, failed: 0 } }),
    ]);
    const meta = {
      id: "run-1",
      name: "p",
      description: null,
      signature: "s",
      cache_key: "k",
      created_at: "",
      updated_at: "",
      use_cache: false,
      dry_run: false,
    };
    expect(runView(meta, sim.state).offline_batches).toEqual([expect.objectContaining({ step: "step", job_id: "batch_1", status: "in_progress" })]);

    now.t += 2 * OFFLINE_BATCH_BACKOFF.firstMs;
    sim.accept(redispatchLost(sim.state, now.t, policy));
    sim.runAll();
    expect(sim.state.status).toBe("succeeded");
    expect(sim.dataset()).toEqual(["step(gen:0)", "step(gen:1)"]);
    expect(runView(meta, sim.state).offline_batches).toBeUndefined();
  });

  it("a stop does not wait for a pending job; resume polls it at once", () => {
    const { sim, work } = pendingRun({ poll_interval_seconds: 3600 });
    sim.stop();
    expect(sim.state.status).toBe("stopped");
    expect(sim.state.inflight[work.id]?.offline_batch?.job_id).toBe("batch_1");
    const sent = sim.resume();
    expect(sent.map((w) => w.id)).toContain(work.id);
    sim.runAll();
    expect(sim.state.status).toBe("succeeded");
  });
});
