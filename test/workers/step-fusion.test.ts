import { env } from "cloudflare:workers";
import { createMessageBatch } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createDefaultRegistry } from "../../src/default-registry.js";
import type { RunView } from "../../src/engine/run-view.js";
import type { WorkItem } from "../../src/engine/work.js";
import { Pipeline } from "../../src/pipeline/pipeline.js";
import { LoadDataFromDicts } from "../../src/steps/builtin/loaders/load-data-from-dicts.js";
import { defineStep } from "../../src/steps/step-factory.js";
import { consumeWork } from "../../queues/work-consumer.js";
import { dagSpec, dagStep, plan } from "../unit/engine/engine-sim.js";
import { directRun } from "../support/direct-run.js";
import { workerHarness } from "../support/worker-harness.js";

const Upper = defineStep({
  name: "Upper",
  inputs: ["text"],
  outputs: ["upper"],
  process: ([rows]) => (rows ?? []).map((row) => ({ ...row, upper: String(row.text).toUpperCase() })),
});

/** Takes 1 s per batch, so a fused batch is still running when a duplicate message arrives. */
const SlowLength = defineStep({
  name: "SlowLength",
  inputs: ["upper"],
  outputs: ["length"],
  process: async ([rows]) => {
    await new Promise((r) => setTimeout(r, 1_000));
    return (rows ?? []).map((row) => ({ ...row, length: String(row.upper).length }));
  },
});

/** Fails every batch: the work runner retries it, then imputes its outputs as null. */
const Broken = defineStep({
  name: "Broken",
  inputs: ["upper"],
  outputs: ["length"],
  process: () => {
    throw new Error("the second step broke (simulated)");
  },
});

const harness = workerHarness({ registry: createDefaultRegistry().register(Upper, SlowLength, Broken), pipelines: {} });

type StepView = RunView["steps"][string];

/** load (batch_size 3) -> upper (3) -> second (3): both hops line up, so both are fused. */
function chain(name: string, rows: number, second: "slow" | "broken"): Pipeline {
  return new Pipeline({ name }).build(() => {
    const load = new LoadDataFromDicts({ name: "load", data: Array.from({ length: rows }, (_, i) => ({ text: `t${i}` })), batchSize: 3 });
    const upper = new Upper({ name: "upper", inputBatchSize: 3 });
    load.connect(upper);
    upper.connect(second === "slow" ? new SlowLength({ name: "second", inputBatchSize: 3 }) : new Broken({ name: "second", inputBatchSize: 3 }));
  });
}

async function runOf(pipeline: Pipeline, body: Record<string, unknown> = {}): Promise<{ id: string; run: RunView }> {
  const { body: created } = await harness.startRun({ pipeline, use_cache: false, ...body });
  const run = (await harness.waitForRun(created.id)) as unknown as RunView;
  return { id: created.id, run };
}

async function rowsOf(id: string): Promise<Array<Record<string, unknown>>> {
  const { body } = await harness.json<{ rows: Array<Record<string, unknown>> }>(`/v1/runs/${id}/rows`);
  return body.rows;
}

const expectedRows = (n: number) => Array.from({ length: n }, (_, i) => ({ text: `t${i}`, upper: `T${i}`, length: `T${i}`.length }));

describe("step fusion", () => {
  it("runs a fused chain end to end with exactly the rows of an unfused run, and shows it in the status and the log", async () => {
    const fused = await runOf(chain("wk-fused", 10, "slow"));
    expect(fused.run.status).toBe("succeeded");
    expect(await rowsOf(fused.id)).toEqual(expectedRows(10));
    const steps = fused.run.steps as Record<string, StepView>;
    expect([steps.load?.fused_into, steps.upper?.fused_into, steps.second?.fused_into]).toEqual(["upper", "second", null]);
    // The generator's batches come one after another, so each of upper's 4 batches is built
    // from one of them alone; second's batch waits when upper's batches report out of order.
    expect(steps.upper).toMatchObject({ batches_sent: 4, batches_done: 4, batches_fused: 4, rows_out: 10 });
    expect(steps.second?.batches_fused).toBeGreaterThanOrEqual(1);
    expect(steps.second).toMatchObject({ batches_done: 4, rows_out: 10 });
    const logs = await harness.text(`/v1/runs/${fused.id}/logs`);
    expect(logs).toContain("[upper] batch 0 fused: it runs in the invocation that ran generate:load:0");

    const unfused = await runOf(chain("wk-unfused", 10, "slow"), { fuse_steps: false });
    expect(unfused.run.status).toBe("succeeded");
    expect(await rowsOf(unfused.id)).toEqual(expectedRows(10));
    const plain = unfused.run.steps as Record<string, StepView>;
    expect([plain.load?.fused_into, plain.upper?.batches_fused, plain.second?.batches_fused]).toEqual([null, 0, 0]);
  });

  it("keeps the first step's rows when the fused second step fails, and counts its failed rows", async () => {
    const { id, run } = await runOf(chain("wk-fused-broken", 4, "broken"));
    expect(run.status).toBe("succeeded");
    const steps = run.steps as Record<string, StepView>;
    expect(steps.second).toMatchObject({ batches_done: 2, rows_out: 4, failed_rows: 4 });
    expect(steps.upper).toMatchObject({ batches_fused: 2, failed_rows: 0 });
    expect(await rowsOf(id)).toEqual(Array.from({ length: 4 }, (_, i) => ({ text: `t${i}`, upper: `T${i}`, length: null })));
  });

  it("changes nothing on duplicate deliveries of a fused chain's messages, during the run or after it", async () => {
    const pipeline = chain("wk-fused-duplicates", 6, "slow");
    const { body: created } = await harness.startRun({ pipeline, use_cache: false });
    const runId = created.id;
    await harness.waitForBatchSent(runId, "second");
    const generate: WorkItem = { type: "generate", id: "generate:load:0", run_id: runId, step: "load", seq_no: 0, offset: 0, force_last_batch: false };
    const slice = { seq_no: 0, start: 0, end: 3 };
    const upper: WorkItem = {
      type: "process",
      id: "process:upper:0",
      run_id: runId,
      step: "upper",
      seq_no: 0,
      last_batch: false,
      accumulated: false,
      data: [{ from: "load", slices: [slice] }],
      created_from: { load: [[0, 3, 3]] },
      batch_routed_to: [],
    };
    const second: WorkItem = {
      ...upper,
      id: "process:second:0",
      step: "second",
      data: [{ from: "upper", slices: [slice] }],
      created_from: { upper: [[0, 3, 3]] },
    };
    const duplicates = () =>
      createMessageBatch(
        "distilflare-steps",
        [generate, upper, second].map((work, i) => ({ id: `dup-${i}-${Date.now()}`, timestamp: new Date(), attempts: 1, body: { run_id: runId, work } })),
      );
    // While second's first batch runs fused (it takes 1 s): every duplicate is refused or dropped.
    await consumeWork(duplicates(), env);
    const run = (await harness.waitForRun(runId)) as unknown as RunView;
    expect(run.status).toBe("succeeded");
    const before = { steps: run.steps, rows: await rowsOf(runId) };
    expect(before.rows).toEqual(expectedRows(6));
    expect(run.steps.upper).toMatchObject({ batches_sent: 2, batches_done: 2, rows_out: 6 });
    expect(run.steps.second).toMatchObject({ batches_sent: 2, batches_done: 2, rows_out: 6 });
    // After the run: the same again.
    await consumeWork(duplicates(), env);
    const after = (await harness.json<RunView>(`/v1/runs/${runId}`)).body;
    expect(after.status).toBe("succeeded");
    expect(after.steps).toEqual(before.steps);
    expect(await rowsOf(runId)).toEqual(before.rows);
  });
});

describe("the run object with fused work", () => {
  const fusable = () => plan(dagSpec([dagStep("gen", "generator", { batchSize: 4 }), dagStep("a", "normal", { inputBatchSize: 4 })], [["gen", "a"]]));

  it("leases the fused batch to the reporting consumer, never queues it, and refuses a duplicate report", async () => {
    const { stub, sent } = await directRun("wk-fused-direct", fusable());
    const gen0 = sent[0] as WorkItem;
    expect(gen0.id).toBe("generate:gen:0");
    expect((await stub.startWork({ work_id: gen0.id })).ok).toBe(true);
    const report = { id: gen0.id, run_id: gen0.run_id, type: "generate" as const, step: "gen", seq_no: 0, num_rows: 4, bytes: 40, last_batch: false };
    const reply = await stub.report(report, { accept_fused: true });
    expect(reply.ok && reply.value.accepted).toBe(true);
    const fused = reply.ok ? reply.value.fused : undefined;
    expect(fused?.work.id).toBe("process:a:0");
    expect(sent.map((w) => w.id)).toEqual(["generate:gen:0", "generate:gen:1"]);
    // Held: a queue message for it (there is none, but a duplicate of anything) is not granted.
    expect(await stub.startWork({ work_id: "process:a:0" })).toEqual({ ok: true, value: { granted: false, reason: "held" } });
    // The predecessor's report again: nothing changes, nothing is fused or sent.
    expect(await stub.report(report, { accept_fused: true })).toEqual({ ok: true, value: { accepted: false } });
    expect(sent).toHaveLength(2);
    // The fused batch's consumer gives it back: it goes through the queue now.
    expect((await stub.abandonWork({ work_id: "process:a:0", error: "consumer failed", retry_in_ms: 2_000, requeue: true })).ok).toBe(true);
    expect(sent.map((w) => w.id)).toEqual(["generate:gen:0", "generate:gen:1", "process:a:0"]);
    const lease = await stub.startWork({ work_id: "process:a:0" });
    expect(lease.ok && lease.value.granted).toBe(true);
    const view = (await stub.status()) as { ok: true; value: RunView };
    expect(view.value.steps.a).toMatchObject({ batches_sent: 1, batches_fused: 1, fused_into: null });
    expect(view.value.steps.gen?.fused_into).toBe("a");
  });
});
