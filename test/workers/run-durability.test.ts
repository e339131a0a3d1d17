import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createDefaultRegistry } from "../../src/default-registry.js";
import type { RunState } from "../../src/engine/run-state.js";
import type { RunView } from "../../src/engine/run-view.js";
import { DEFAULT_LEASE_POLICY } from "../../src/engine/work-leases.js";
import type { WorkItem, WorkReportInput } from "../../src/engine/work.js";
import { Pipeline } from "../../src/pipeline/pipeline.js";
import { dumpPipeline } from "../../src/pipeline/serialize.js";
import { KeepColumns } from "../../src/steps/builtin/columns/keep-columns.js";
import { LoadDataFromDicts } from "../../src/steps/builtin/loaders/load-data-from-dicts.js";
import { defineStep } from "../../src/steps/step-factory.js";
import type { PipelineRun } from "../../durable-objects/pipeline-run.js";
import type { RunStorage } from "../../durable-objects/run-storage.js";
import { dagSpec, dagStep, plan } from "../unit/engine/engine-sim.js";
import { directRun } from "../support/direct-run.js";
import { postJson, workerHarness } from "../support/worker-harness.js";

/** Takes 1.5 s per batch, so a run stays in flight long enough to act on it. */
const Slow = defineStep({
  name: "Slow",
  inputs: ["text"],
  outputs: ["slow"],
  process: async ([rows]) => {
    await new Promise((r) => setTimeout(r, 1_500));
    return (rows ?? []).map((row) => ({ ...row, slow: true }));
  },
});

const harness = workerHarness({ registry: createDefaultRegistry().register(Slow), pipelines: {} });

/** The object's internals, as these tests drive it directly. */
interface RunInternals {
  state: RunState;
  rows: RunStorage;
  env: Env;
  report(report: WorkReportInput): Promise<{ ok: boolean; value?: { accepted: boolean } }>;
}

const generatorReport = (work: WorkItem & { type: "generate" }, rows: number, last: boolean): WorkReportInput => ({
  id: work.id,
  run_id: work.run_id,
  type: "generate",
  step: work.step,
  seq_no: work.seq_no,
  num_rows: rows,
  bytes: 20 * rows,
  last_batch: last,
});

describe("the run object's durability", () => {
  it("resume on a running run sends every unreported item again instead of refusing, and the run finishes with each row once", async () => {
    const pipeline = new Pipeline({ name: "wk-resume-running" }).build(() => {
      const load = new LoadDataFromDicts({ name: "load", data: Array.from({ length: 4 }, (_, i) => ({ text: `r${i}` })), batchSize: 4 });
      load.connect(new Slow({ name: "slow", inputBatchSize: 2 }));
    });
    const { body } = await harness.startRun({ pipeline, use_cache: false });
    await harness.waitForBatchSent(body.id, "slow");
    const { status, body: resumed } = await harness.json<{ status: string }>(`/v1/runs/${body.id}/resume`, { method: "POST" });
    expect(status).toBe(200);
    expect(resumed.status).toBe("running");
    const run = await harness.waitForRun(body.id);
    expect(run.status).toBe("succeeded");
    const { body: rows } = await harness.json<{ rows: Array<{ text: string; slow: boolean }> }>(`/v1/runs/${body.id}/rows`);
    expect(rows.rows).toEqual(Array.from({ length: 4 }, (_, i) => ({ text: `r${i}`, slow: true })));
    const logs = await harness.text(`/v1/runs/${body.id}/logs`);
    expect(logs).toMatch(/Resumed: re-sending [1-9]\d* unreported work item\(s\)/);
  });

  it("fails the run with the item's last error once a work item was started more often than allowed, instead of cycling", async () => {
    const { stub, sent } = await directRun("wk-attempts", plan(dagSpec([dagStep("gen", "generator"), dagStep("step", "normal")], [["gen", "step"]])));
    const work = sent[0] as WorkItem;
    // Each consumer that gets the work dies after starting it (its lease would lapse and the work be sent again).
    for (let attempt = 1; attempt <= DEFAULT_LEASE_POLICY.maxAttempts; attempt++) {
      const lease = await stub.startWork({ work_id: work.id });
      expect(lease.ok && lease.value.granted, `attempt ${attempt}`).toBe(true);
      expect((await stub.abandonWork({ work_id: work.id, error: `worker crashed (attempt ${attempt})`, retry_in_ms: 0 })).ok).toBe(true);
    }
    const refused = await stub.startWork({ work_id: work.id });
    expect(refused).toEqual({ ok: true, value: { granted: false, reason: "attempts_exhausted" } });
    const view = (await stub.status()) as { ok: true; value: RunView };
    expect(view.value.status).toBe("failed");
    expect(view.value.error?.message).toBe(
      `Step 'gen': work '${work.id}' was started ${DEFAULT_LEASE_POLICY.maxAttempts} time(s) without finishing; last error: worker crashed (attempt ${DEFAULT_LEASE_POLICY.maxAttempts})`,
    );
  });

  it("changes its in-memory state only after storage took the change", async () => {
    const { stub, sent } = await directRun(
      "wk-write-first",
      plan(dagSpec([dagStep("gen", "generator", { batchSize: 5 }), dagStep("step", "normal")], [["gen", "step"]])),
    );
    const work = sent[0] as WorkItem & { type: "generate" };
    await runInDurableObject(stub, async (instance: PipelineRun, ctx) => {
      const internals = instance as unknown as RunInternals;
      const before = internals.state;
      const storage = ctx.storage as unknown as { transactionSync: unknown; put: unknown };
      const { transactionSync, put } = storage;
      const fail = () => {
        throw new Error("storage unavailable (simulated)");
      };
      storage.transactionSync = fail;
      storage.put = fail;
      const failed = await internals.report(generatorReport(work, 5, true));
      storage.transactionSync = transactionSync;
      storage.put = put;
      expect(failed.ok).toBe(false);
      expect(internals.state).toBe(before);
      expect(internals.state.steps.gen?.batches_done).toBe(0);
      // The report is retried by its consumer and then applies.
      const retried = await internals.report(generatorReport(work, 5, true));
      expect(retried).toEqual({ ok: true, value: { accepted: true } });
      expect(internals.state.steps.gen?.batches_done).toBe(1);
    });
  });

  it("keeps every stored value under 128 KB while a global step buffers 50,000 upstream batches", async () => {
    const BATCHES = 50_000;
    const runPlan = plan(
      dagSpec(
        [dagStep("gen", "generator", { batchSize: 20 }), dagStep("all", "global"), dagStep("leaf", "normal")],
        [
          ["gen", "all"],
          ["all", "leaf"],
        ],
      ),
    );
    const { stub, sent } = await directRun("wk-global-50k", runPlan);
    const largest = await runInDurableObject(stub, async (instance: PipelineRun) => {
      const internals = instance as unknown as RunInternals;
      let peak = 0;
      for (let seq = 0; seq < BATCHES; seq++) {
        const work = sent.shift() as WorkItem & { type: "generate" };
        expect(work.id).toBe(`generate:gen:${seq}`);
        const result = await internals.report(generatorReport(work, 20, seq === BATCHES - 1));
        if (!result.ok) throw new Error(JSON.stringify(result));
        if (seq % 10_000 === 0) peak = Math.max(peak, internals.rows.largestValueBytes());
      }
      expect(internals.state.steps.gen?.done).toBe(true);
      // The global step's one batch references all 50,000 upstream batches (its message points to R2).
      const global = internals.state.inflight["process:all:0"]?.work as WorkItem & { type: "process" };
      expect(global.data[0]?.slices).toHaveLength(BATCHES);
      return Math.max(peak, internals.rows.largestValueBytes());
    });
    expect(largest).toBeLessThan(128 * 1024);
    // Evicted and read back from storage alone, the object still knows the global batch.
    const { evictDurableObject } = await import("cloudflare:test");
    await evictDurableObject(stub);
    await runInDurableObject(stub, async (instance: PipelineRun) => {
      const internals = instance as unknown as RunInternals;
      const entry = internals.state.inflight["process:all:0"];
      expect(entry?.work.type === "process" && entry.work.data[0]?.slices.length).toBe(BATCHES);
      expect(internals.state.steps.all?.rows_in).toBe(20 * BATCHES);
    });
  });

  it("refuses with 413 a pipeline whose run plan cannot be stored, naming the limit", async () => {
    const pipeline = new Pipeline({ name: "wk-too-many-steps" }).build(() => {
      let previous: { connect(next: KeepColumns): unknown } = new LoadDataFromDicts({ name: "load", data: [{ text: "x" }] });
      // Within the bounds on steps (256) and step names (128 characters), the plan still passes 128 KB.
      for (let i = 0; i < 250; i++) {
        const keep = new KeepColumns({ name: `keep_the_text_column_${i}_`.padEnd(120, "x"), columns: ["text"] });
        previous.connect(keep);
        previous = keep;
      }
    });
    const response = await harness.request("/v1/runs", postJson({ pipeline: dumpPipeline(pipeline), use_cache: false }));
    const body = (await response.json()) as { error: { code: string; message: string; details: { limit: number } } };
    expect(response.status, JSON.stringify(body)).toBe(413);
    expect(body.error.code).toBe("payload_too_large");
    expect(body.error.message).toContain("at most 131072 bytes");
    expect(body.error.details.limit).toBe(131072);
  });
});
