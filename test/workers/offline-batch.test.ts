import { describe, expect, it } from "vitest";
import { createDefaultRegistry } from "../../src/default-registry.js";
import { OpenAILLM } from "../../src/llms/providers/openai-llm.js";
import { Pipeline } from "../../src/pipeline/pipeline.js";
import { LoadDataFromDicts } from "../../src/steps/builtin/loaders/load-data-from-dicts.js";
import { TextGeneration } from "../../src/tasks/text-generation/text-generation.js";
import { metadataOf } from "../support/run-rows.js";
import { fakeOpenAI } from "../support/fake-openai-control.js";
import { workerHarness } from "../support/worker-harness.js";

/**
 * Offline batch generation on the real Durable Object, queues and R2: each step batch becomes a
 * job of the OpenAI Batch API stand-in (fake-openai-batches.ts, started in Node by
 * fake-openai-setup.ts); the run's object keeps the pending jobs and its alarm sends the batches
 * again to poll them, so no consumer waits; the results come back in row order with the failed
 * line imputed.
 */

interface FakeBatchSeen {
  id: string;
  status: string;
  polls: number;
  metadata: Record<string, string>;
  request_counts: { total: number; completed: number; failed: number };
}

async function batchesOf(runId: string): Promise<FakeBatchSeen[]> {
  return (await fakeOpenAI.batches<FakeBatchSeen>()).filter((b) => b.metadata.distilflare_run_id === runId);
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("offline batch generation on Workers", () => {
  it("submits a job per step batch, polls it from the run's alarm, and completes with every row in order and the failed line imputed", async () => {
    const harness = workerHarness({ registry: createDefaultRegistry(), pipelines: {} });
    await fakeOpenAI.script({
      match: "offline-batch-bad-row",
      behaviours: [{ kind: "error", status: 400, message: "this request line is invalid" }],
      repeat_last: true,
    });
    await fakeOpenAI.script({
      match: "offline-batch-row",
      behaviours: [{ kind: "reply", usage: { prompt_tokens: 10, completion_tokens: 4 } }],
      repeat_last: true,
    });
    const instructions = ["offline-batch-row 0", "offline-batch-row 1", "offline-batch-bad-row 2", "offline-batch-row 3", "offline-batch-row 4"];
    const pipeline = new Pipeline({ name: "offline-batch", enableMetadata: true }).build(() => {
      new LoadDataFromDicts({ name: "load", data: instructions.map((instruction) => ({ instruction })), batchSize: 5 }).connect(
        new TextGeneration({
          name: "generate",
          inputBatchSize: 3,
          llm: new OpenAILLM({ model: "gpt-4o-mini", ...fakeOpenAI.llm(), useOfflineBatchGeneration: true, offlineBatchGenerationBlockUntilDone: 1 }),
        }),
      );
    });
    const started = await harness.startRun({ pipeline, use_cache: false });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const id = started.body.id;

    // While the jobs run, the status shows them (id, provider status, counts) and the step is still running.
    const pending = await until("the pending jobs in the status", async () => {
      const { body } = await harness.json<{ offline_batches?: Array<Record<string, unknown>>; steps: Record<string, { status: string }> }>(`/v1/runs/${id}`);
      return (body.offline_batches?.length ?? 0) === 2 ? body : undefined;
    });
    expect(pending.steps.generate?.status).toBe("running");
    const jobs = await batchesOf(id);
    expect(jobs).toHaveLength(2);
    expect(pending.offline_batches?.map((b) => b.job_id).sort()).toEqual(jobs.map((j) => j.id).sort());
    expect(pending.offline_batches?.[0]).toMatchObject({
      provider: "OpenAILLM",
      step: "generate",
      poll_interval_seconds: 1,
      counts: { total: expect.any(Number) },
    });

    // No status calls from here: only the object's alarm can send the batches again to poll their jobs.
    const done = await until("the jobs to complete", async () => {
      const seen = await batchesOf(id);
      return seen.every((b) => b.status === "completed") ? seen : undefined;
    });
    expect(done.every((b) => b.polls >= 3)).toBe(true);

    const run = await harness.waitForRun(id);
    expect(run.status, JSON.stringify(run.errors)).toBe("succeeded");
    expect(run.failed_rows).toBe(1);
    expect(run.offline_batches).toBeUndefined();
    const { body } = await harness.json<{ rows: Array<Record<string, unknown>> }>(`/v1/runs/${id}/rows?config=default&length=100`);
    expect(body.rows.map((r) => r.instruction)).toEqual(instructions);
    expect(body.rows.map((r) => r.generation)).toEqual([
      "echo: offline-batch-row 0",
      "echo: offline-batch-row 1",
      null,
      "echo: offline-batch-row 3",
      "echo: offline-batch-row 4",
    ]);
    expect(metadataOf(body.rows[2]).error_generate).toBe("HTTP 400: this request line is invalid");
    // Tokens as the batch output billed them, at the batch price (half gpt-4o-mini's list price).
    const usage = (run.usage_by_model as Record<string, { requests: number; input_tokens: number; output_tokens: number; cost_usd: number | null }>)[
      "OpenAILLM/batch:gpt-4o-mini"
    ];
    expect(usage).toMatchObject({ requests: 5, input_tokens: 4 * 10, output_tokens: 4 * 4 });
    expect(usage?.cost_usd).toBeCloseTo((40 * 0.075 + 16 * 0.3) / 1e6, 12);
    const log = await harness.text(`/v1/runs/${id}/logs`);
    expect(log).toMatch(/Submitted batch job 'batch_fake_\d+' with 3 request\(s\)/);
    expect(log).toMatch(/Polling the batch job\(s\) of process:generate:0/);
  });
});
