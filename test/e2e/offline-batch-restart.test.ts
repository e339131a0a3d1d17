import { afterAll, describe, expect, it } from "vitest";
import { OpenAILLM } from "../../src/llms/providers/openai-llm.js";
import { Pipeline } from "../../src/pipeline/pipeline.js";
import { dumpPipeline } from "../../src/pipeline/serialize.js";
import { LoadDataFromDicts } from "../../src/steps/builtin/loaders/load-data-from-dicts.js";
import { TextGeneration } from "../../src/tasks/text-generation/text-generation.js";
import { ApiClient } from "../../scripts/lib/api-client.js";
import { startWranglerDev, tempDir, type WranglerDev } from "../../scripts/lib/wrangler-dev.js";
import { behaviours } from "../support/fake-openai-server.js";
import { useFakeOpenAIServer } from "../support/use-fake-openai-server.js";

const llm = useFakeOpenAIServer();
let dev: WranglerDev | undefined;

afterAll(async () => {
  await dev?.stop("SIGKILL");
});

const prompts = Array.from({ length: 6 }, (_, i) => (i === 4 ? `offline restart bad row ${i}` : `offline restart row ${i}`));

describe("offline batch generation across a restart", () => {
  it("finishes a run whose provider batch jobs were pending while wrangler dev was killed and restarted, submitting each job once", async () => {
    // The jobs stay in progress until released, so the runtime can be killed while they are pending.
    llm.batchApi.configure({ hold: true, polls_to_complete: 1 });
    llm.scriptFor("bad row", [behaviours.error(400, "this request line is invalid")], { repeatLast: true });
    const persistTo = tempDir("distilflare-offline-batch-");
    const vars = { OPENAI_BASE_URL: llm.baseUrl };
    dev = await startWranglerDev({ persistTo, vars });
    const api = new ApiClient(dev.url);
    const pipeline = new Pipeline({ name: "e2e-offline-batch", enableMetadata: true }).build(() => {
      new LoadDataFromDicts({ name: "load", data: prompts.map((instruction) => ({ instruction })), batchSize: 6 }).connect(
        new TextGeneration({
          name: "generate",
          inputBatchSize: 3,
          llm: new OpenAILLM({ model: "gpt-4o-mini", useOfflineBatchGeneration: true, offlineBatchGenerationBlockUntilDone: 1 }),
        }),
      );
    });
    const { status, body: started } = await api.post<{ id: string }>("/v1/runs", { pipeline: dumpPipeline(pipeline), use_cache: false });
    expect(status).toBe(202);

    // Both step batches are jobs, polled at least once, and the status shows them.
    for (;;) {
      const { body } = await api.json<{ status: string; offline_batches?: Array<{ job_id: string; status: string }> }>(`/v1/runs/${started.id}`);
      expect(body.status, JSON.stringify(body)).toBe("running");
      const polled = [...llm.batchApi.batches.values()].filter((b) => b.polls > 0);
      if (body.offline_batches?.length === 2 && polled.length === 2) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await dev.stop("SIGKILL");
    const jobs = [...llm.batchApi.batches.values()];
    expect(jobs).toHaveLength(2);
    expect(jobs.every((b) => b.status === "in_progress")).toBe(true);
    const pollsBeforeRestart = jobs.map((b) => b.polls);

    // The jobs finish while the runtime is down; the restarted runtime carries on from the run's storage.
    llm.batchApi.configure({ hold: false });
    dev = await startWranglerDev({ persistTo, vars });
    const restarted = new ApiClient(dev.url);
    const run = await restarted.waitForRun(started.id, { timeoutMs: 90_000 });
    expect(run.status, JSON.stringify(run)).toBe("succeeded");

    // Polled again after the restart, never submitted again.
    expect(llm.batchApi.batches.size).toBe(2);
    expect(jobs.map((b) => b.status)).toEqual(["completed", "completed"]);
    jobs.forEach((b, i) => expect(b.polls).toBeGreaterThan(pollsBeforeRestart[i] as number));
    expect(llm.generationRequests).toHaveLength(0);

    const { body } = await restarted.json<{
      num_rows: number;
      rows: Array<{ instruction: string; generation: string | null; distilabel_metadata: Record<string, unknown> }>;
    }>(`/v1/runs/${started.id}/rows?length=100`);
    expect(body.rows.map((r) => r.instruction)).toEqual(prompts);
    expect(body.rows.map((r) => r.generation)).toEqual(prompts.map((p, i) => (i === 4 ? null : `echo: ${p}`)));
    expect(body.rows[4]?.distilabel_metadata.error_generate).toBe("HTTP 400: this request line is invalid");
    expect(run.failed_rows).toBe(1);
  });
});
