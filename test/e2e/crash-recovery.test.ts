import { afterAll, describe, expect, it } from "vitest";
import { OpenAILLM } from "../../src/llms/providers/openai-llm.js";
import { Pipeline } from "../../src/pipeline/pipeline.js";
import { dumpPipeline } from "../../src/pipeline/serialize.js";
import { LoadDataFromDicts } from "../../src/steps/builtin/loaders/load-data-from-dicts.js";
import { TextGeneration } from "../../src/tasks/text-generation/text-generation.js";
import { ApiClient } from "../../scripts/lib/api-client.js";
import { startWranglerDev, tempDir, type WranglerDev } from "../../scripts/lib/wrangler-dev.js";
import { useFakeOpenAIServer } from "../support/use-fake-openai-server.js";

// Slow answers keep the run in flight long enough to kill the runtime in the middle of it.
const llm = useFakeOpenAIServer({ delayMs: 400 });
let dev: WranglerDev | undefined;

afterAll(async () => {
  await dev?.stop("SIGKILL");
});

const ROWS = 40;
const prompts = Array.from({ length: ROWS }, (_, i) => `crash test prompt ${String(i).padStart(2, "0")}`);

describe("crash safety", () => {
  it("finishes a run killed mid-flight within a minute of the restart, with exactly the expected rows, none missing, none twice", async () => {
    const persistTo = tempDir("distilflare-crash-");
    // The production lease settings (wrangler.toml): nothing here shortens them.
    const vars = { OPENAI_BASE_URL: llm.baseUrl };
    dev = await startWranglerDev({ persistTo, vars });
    const api = new ApiClient(dev.url);
    const pipeline = new Pipeline({ name: "e2e-crash" }).build(() => {
      const load = new LoadDataFromDicts({ name: "load", data: prompts.map((instruction) => ({ instruction })), batchSize: 4 });
      const generate = new TextGeneration({ name: "generate", llm: new OpenAILLM({ model: "fake-model", maxConcurrentRequests: 1 }), inputBatchSize: 2 });
      load.connect(generate);
    });
    const { status, body: started } = await api.post<{ id: string }>("/v1/runs", { pipeline: dumpPipeline(pipeline), use_cache: false });
    expect(status).toBe(202);

    // Wait until some, not all, batches are done: the run is mid-flight.
    const midway = await api.waitForRun(started.id, { until: ["running"], timeoutMs: 60_000, onProgress: () => undefined });
    for (;;) {
      const { body } = await api.json<{ status: string; steps: Record<string, { batches_done: number }> }>(`/v1/runs/${started.id}`);
      const done = body.steps.generate?.batches_done ?? 0;
      if (done >= 2) break;
      expect(body.status, JSON.stringify(body)).toBe("running");
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(midway.status).toBe("running");
    await dev.stop("SIGKILL");
    const requestsBeforeCrash = llm.generationRequests.length;
    expect(requestsBeforeCrash).toBeLessThan(ROWS);

    dev = await startWranglerDev({ persistTo, vars });
    const restarted = new ApiClient(dev.url);
    // Work held by the killed consumers is sent again once its lease lapses, work still queued
    // once its grace passes: the run finishes within a minute of the restart.
    const run = await restarted.waitForRun(started.id, { timeoutMs: 60_000 });
    expect(run.status, JSON.stringify(run)).toBe("succeeded");

    const { body } = await restarted.json<{ num_rows: number; rows: Array<{ instruction: string; generation: string }> }>(
      `/v1/runs/${started.id}/rows?length=1000`,
    );
    expect(body.num_rows).toBe(ROWS);
    expect(body.rows.map((r) => r.instruction)).toEqual(prompts);
    expect(body.rows.map((r) => r.generation)).toEqual(prompts.map((p) => `echo: ${p}`));
    const steps = run.steps as Record<string, { rows_out: number }>;
    expect(steps.generate?.rows_out).toBe(ROWS);
    const logs = await (await restarted.request(`/v1/runs/${started.id}/logs`)).text();
    expect(logs).toContain("Re-sending");
  });
});
