import { describe, expect, it } from "vitest";
import type { WorkItem, WorkReportInput } from "../../../src/engine/work.js";
import { DEFAULT_LEASE_POLICY, startWork, type LeasePolicy } from "../../../src/engine/work-leases.js";
import { IDLE_CHECK_MS, leasePolicyFrom, lostWorkCheck, nextAlarmAt } from "../../../src/runtime/run-watchdog.js";
import { EngineSim, dagSpec, dagStep, plan } from "../engine/engine-sim.js";

const policy: LeasePolicy = { leaseMs: 1_000, unstartedGraceMs: 2_000, maxAttempts: 3 };
const linear = () => plan(dagSpec([dagStep("gen", "generator", { batchSize: 2 }), dagStep("step", "normal", { inputBatchSize: 2 })], [["gen", "step"]]));

function running(now: { t: number }) {
  const sim = new EngineSim(linear(), { generators: { gen: 4 }, now: () => now.t });
  sim.start();
  return sim;
}

describe("the run's watchdog", () => {
  it("takes the lease from WORK_LEASE_SECONDS, and the default for a missing or bad value", () => {
    expect(leasePolicyFrom("3")).toEqual({ ...DEFAULT_LEASE_POLICY, leaseMs: 3_000, unstartedGraceMs: 3_000 });
    expect(leasePolicyFrom(undefined)).toBe(DEFAULT_LEASE_POLICY);
    expect(leasePolicyFrom("soon")).toBe(DEFAULT_LEASE_POLICY);
    expect(leasePolicyFrom("0")).toBe(DEFAULT_LEASE_POLICY);
  });

  it("rings when unstarted work may be presumed lost, unless an earlier alarm is pending", () => {
    const sim = running({ t: 0 });
    expect(nextAlarmAt(sim.state, policy, 0, undefined)).toBe(2_000);
    expect(nextAlarmAt(sim.state, policy, 0, 1_500)).toBeUndefined();
    expect(nextAlarmAt(sim.state, policy, 0, 5_000)).toBe(2_000);
    // At least a second ahead, so a loss due now does not ring in a loop.
    expect(nextAlarmAt(sim.state, policy, 1_900, undefined)).toBe(2_900);
  });

  it("watches a running run with nothing to lose every minute, and no run that ended", () => {
    const sim = running({ t: 0 });
    const idle = { ...sim.state, inflight: {} };
    expect(nextAlarmAt(idle, policy, 10, undefined)).toBe(10 + IDLE_CHECK_MS);
    expect(nextAlarmAt({ ...sim.state, status: "succeeded" }, policy, 10, undefined)).toBeUndefined();
  });

  it("re-sends lost work and polls due batch jobs, saying which is which in the log", () => {
    const now = { t: 0 };
    const sim = running(now);
    sim.deliver("generate:gen:0");
    const process = sim.pending.find((w) => w.type === "process") as WorkItem;
    sim.state = startWork(sim.state, process.id, 0, policy).state;
    const job = {
      provider: "OpenAILLM",
      job_id: "batch_1",
      status: "validating",
      counts: { total: 2, completed: 0, failed: 0 },
      submitted_at: 0,
      poll_interval_seconds: 1,
    };
    const report: WorkReportInput = { id: process.id, run_id: process.run_id, type: "process", step: "step", seq_no: 0, offline_batch: job };
    sim.deliver(process.id, report);
    expect(lostWorkCheck(sim.state, 500, policy)).toEqual({ transition: { state: sim.state, dispatch: [] }, log: [] });
    const { transition, log } = lostWorkCheck(sim.state, 5_000, policy);
    expect(transition.dispatch.map((w) => w.id).sort()).toEqual(["generate:gen:1", process.id].sort());
    expect(log).toEqual([
      `${new Date(5_000).toISOString()} INFO Polling the batch job(s) of ${process.id}`,
      `${new Date(5_000).toISOString()} WARNING Re-sending 1 work item(s) presumed lost: generate:gen:1`,
    ]);
  });
});
