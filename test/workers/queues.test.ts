import { env } from "cloudflare:workers";
import { createMessageBatch, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createDefaultRegistry } from "../../src/default-registry.js";
import { Pipeline } from "../../src/pipeline/pipeline.js";
import { LoadDataFromDicts } from "../../src/steps/builtin/loaders/load-data-from-dicts.js";
import { defineStep } from "../../src/steps/step-factory.js";
import type { WorkItem } from "../../src/engine/work.js";
import { workMessageSchema } from "../../src/runtime/queue-message.js";
import { consumeWork } from "../../queues/work-consumer.js";
import type { PipelineRun } from "../../durable-objects/pipeline-run.js";
import { runObject } from "../support/direct-run.js";
import { workerHarness } from "../support/worker-harness.js";

/** Counts how many batches run at once: each waits (up to 3 s) for a second one to start. */
const gate = { inflight: 0, peak: 0 };
const Gate = defineStep({
  name: "Gate",
  inputs: ["text"],
  outputs: ["seen"],
  process: async ([rows]) => {
    gate.inflight++;
    gate.peak = Math.max(gate.peak, gate.inflight);
    for (let i = 0; i < 60 && gate.inflight < 2; i++) await new Promise((r) => setTimeout(r, 50));
    gate.inflight--;
    return (rows ?? []).map((row) => ({ ...row, seen: true }));
  },
});

/** Always throws: its messages end in the dead-letter queue's handling. */
const Crash = defineStep({
  name: "Crash",
  kind: "global",
  inputs: ["text"],
  outputs: ["never"],
  process: () => {
    throw new Error("out of memory (simulated)");
  },
});

const registry = createDefaultRegistry().register(Gate, Crash);
const harness = workerHarness({ registry, pipelines: {} });

async function finishedRun(name: string, rows: number, step: "gate" | "none" = "gate"): Promise<string> {
  const pipeline = new Pipeline({ name }).build(() => {
    const load = new LoadDataFromDicts({ name: "load", data: Array.from({ length: rows }, (_, i) => ({ text: `t${i}` })), batchSize: 2 });
    if (step === "gate") load.connect(new Gate({ name: "gate", inputBatchSize: 1 }));
  });
  const { body } = await harness.startRun({ pipeline, use_cache: false });
  const run = await harness.waitForRun(body.id);
  expect(run.status).toBe("succeeded");
  return body.id;
}

describe("queue consumers", () => {
  it("handle the messages of one consumer batch concurrently", async () => {
    // Both gate batches are sent in one transition, so they arrive in one consumer batch; each
    // waits for a second one to start, so the peak shows whether they ran at once.
    gate.peak = 0;
    await finishedRun("wk-concurrency", 2);
    expect(gate.peak).toBe(2);
  });

  it("fail the run with the dead-letter reason when a step batch is dead-lettered, and resume it to completion", async () => {
    const pipeline = new Pipeline({ name: "wk-dead-letter" }).build(() => {
      const load = new LoadDataFromDicts({ name: "load", data: [{ text: "a" }, { text: "b" }], batchSize: 2 });
      load.connect(new Gate({ name: "gate", inputBatchSize: 2 }));
    });
    const { body } = await harness.startRun({ pipeline, use_cache: false });
    // The gate batch is in flight (it waits ~3 s for a second batch that never comes): dead-letter it meanwhile.
    await harness.waitForBatchSent(body.id, "gate", { tries: 100, intervalMs: 50 });
    const work: WorkItem = {
      type: "process",
      id: "process:gate:0",
      run_id: body.id,
      step: "gate",
      seq_no: 0,
      last_batch: true,
      accumulated: false,
      data: [{ from: "load", slices: [{ seq_no: 0, start: 0, end: 2 }] }],
      created_from: { load: [[0, 2, 2]] },
      batch_routed_to: [],
    };
    const batch = createMessageBatch("distilflare-dead-letters", [{ id: "dl-1", timestamp: new Date(), attempts: 6, body: { run_id: body.id, work } }]);
    await consumeWork(batch, env, { deadLetter: true });
    const run = await harness.waitForRun(body.id);
    expect(run.status).toBe("failed");
    expect((run.error as { message: string }).message).toBe(
      "Step 'gate': dead-lettered after its retries: process work 'process:gate:0' failed 6 delivery attempt(s)",
    );
    await harness.json(`/v1/runs/${body.id}/resume`, { method: "POST" });
    const resumed = await harness.waitForRun(body.id);
    expect(resumed.status).toBe("succeeded");
    const { body: rows } = await harness.json<{ rows: Array<{ text: string; seen: unknown }> }>(`/v1/runs/${body.id}/rows`);
    expect(rows.rows).toEqual([
      { text: "a", seen: true },
      { text: "b", seen: true },
    ]);
  });

  it("fail the run with the reason when a global step's batch is dead-lettered", async () => {
    const pipeline = new Pipeline({ name: "wk-dead-global" }).build(() => {
      const load = new LoadDataFromDicts({ name: "load", data: [{ text: "a" }], batchSize: 1 });
      load.connect(new Crash({ name: "crash" }));
    });
    const { body } = await harness.startRun({ pipeline, use_cache: false });
    const run = await harness.waitForRun(body.id);
    // The step throws on every attempt: the work runner's retries end in a fatal report.
    expect(run.status).toBe("failed");
    expect((run.error as { message: string }).message).toContain("out of memory (simulated)");
    const logs = await harness.text(`/v1/runs/${body.id}/logs`);
    expect(logs).toContain("out of memory (simulated)");
    // Dead-lettering the same work again reports the reason and keeps the run failed.
    const stub = runObject(body.id);
    const resumed = await stub.resume();
    expect(resumed.ok).toBe(true);
    const work = {
      type: "process",
      id: "process:crash:0",
      run_id: body.id,
      step: "crash",
      seq_no: 0,
      last_batch: true,
      accumulated: true,
      data: [{ from: "load", slices: [{ seq_no: 0, start: 0, end: 1 }] }],
      created_from: {},
      batch_routed_to: [],
    };
    const batch = createMessageBatch("distilflare-dead-letters", [{ id: "dl-2", timestamp: new Date(), attempts: 6, body: { run_id: body.id, work } }]);
    await consumeWork(batch, env, { deadLetter: true });
    const after = await harness.waitForRun(body.id, { until: ["failed"] });
    expect((after.error as { message: string }).message).toMatch(/dead-lettered after its retries|out of memory/);
  });

  it("send work too large for a queue message through R2", async () => {
    const runId = await finishedRun("wk-spill", 2, "none");
    const stub = runObject(runId);
    const slices = Array.from({ length: 4000 }, (_, i) => ({ seq_no: i, start: 0, end: 25 }));
    const work: WorkItem = {
      type: "process",
      id: "process:big:0",
      run_id: runId,
      step: "big",
      seq_no: 0,
      last_batch: true,
      accumulated: true,
      data: [{ from: "load", slices }],
      created_from: {},
      batch_routed_to: [],
    };
    const message = await runInDurableObject(stub, async (instance: PipelineRun) =>
      (instance as unknown as { message(w: WorkItem): Promise<unknown> }).message(work),
    );
    const parsed = workMessageSchema.parse(message);
    expect("work_ref" in parsed).toBe(true);
    expect(JSON.stringify(message).length).toBeLessThan(1_000);
    const stored = await env.DATA.get((parsed as { work_ref: string }).work_ref);
    expect(((await stored!.json()) as WorkItem & { data: Array<{ slices: unknown[] }> }).data[0]!.slices).toHaveLength(4000);
  });
});

describe("the run's Durable Object", () => {
  it("carries on from storage alone when evicted again and again mid-run", async () => {
    const { evictDurableObject } = await import("cloudflare:test");
    const pipeline = new Pipeline({ name: "wk-evicted" }).build(() => {
      const load = new LoadDataFromDicts({ name: "load", data: Array.from({ length: 12 }, (_, i) => ({ text: `e${i}` })), batchSize: 3 });
      load.connect(new Gate({ name: "gate", inputBatchSize: 2 }));
    });
    const { body } = await harness.startRun({ pipeline, use_cache: false });
    const stub = runObject(body.id);
    let evictions = 0;
    for (let i = 0; i < 400; i++) {
      const { body: view } = await harness.json<{ status: string }>(`/v1/runs/${body.id}`);
      if (view.status === "succeeded" || view.status === "failed") break;
      try {
        await evictDurableObject(stub);
        evictions++;
      } catch {
        // not running at this instant: nothing to evict
      }
      await new Promise((r) => setTimeout(r, 150));
    }
    const run = await harness.waitForRun(body.id);
    expect(run.status).toBe("succeeded");
    expect(evictions).toBeGreaterThan(2);
    const { body: rows } = await harness.json<{ rows: Array<{ text: string; seen: boolean }> }>(`/v1/runs/${body.id}/rows`);
    expect(rows.rows.map((r) => r.text)).toEqual(Array.from({ length: 12 }, (_, i) => `e${i}`));
    expect(rows.rows.every((r) => r.seen === true)).toBe(true);
  });
});
