import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeParquet } from "../../src/distiset/parquet/index.js";
import { parseReadme } from "../../src/hub/readme-front-matter.js";
import { OpenAILLM } from "../../src/llms/providers/openai-llm.js";
import { Pipeline } from "../../src/pipeline/pipeline.js";
import { dumpPipeline } from "../../src/pipeline/serialize.js";
import { LoadDataFromHub } from "../../src/steps/builtin/loaders/load-data-from-hub.js";
import { TextGeneration } from "../../src/tasks/text-generation/text-generation.js";
import { ApiClient } from "../../scripts/lib/api-client.js";
import { startWranglerDev, tempDir, type WranglerDev } from "../../scripts/lib/wrangler-dev.js";
import { DuckDb } from "../support/duckdb.js";
import { behaviours } from "../support/fake-openai-server.js";
import { useFakeOpenAIServer } from "../support/use-fake-openai-server.js";
import { FAKE_HUB_WRITE_TOKEN, FakeHubServer, quickstartRows } from "../support/fake-hub-server.js";

const DATASET = "distilabel-internal-testing/instruction-dataset-mini";
const llm = useFakeOpenAIServer();
let hub: FakeHubServer;
let dev: WranglerDev;
let api: ApiClient;
let duckdb: DuckDb;

beforeAll(async () => {
  hub = await FakeHubServer.start();
  hub.addDataset(DATASET, { files: { "data/test-00000-of-00001.parquet": writeParquet(quickstartRows(10)) } });
  dev = await startWranglerDev({ vars: { OPENAI_BASE_URL: llm.baseUrl, HF_ENDPOINT: hub.url, HF_TOKEN: FAKE_HUB_WRITE_TOKEN } });
  api = new ApiClient(dev.url);
  duckdb = await DuckDb.open();
});

afterAll(async () => {
  duckdb?.close();
  await dev?.stop();
  await hub?.close();
});

/** The seed quickstart, exactly: LoadDataFromHub with output_mappings {prompt: instruction} -> TextGeneration. */
function quickstart(): Pipeline {
  return new Pipeline({ name: "simple-text-generation-pipeline", description: "A simple text generation pipeline" }).build(() => {
    const load = new LoadDataFromHub({ name: "load_dataset", outputMappings: { prompt: "instruction" }, batchSize: 4 });
    const generate = new TextGeneration({ name: "text_generation", llm: new OpenAILLM({ model: "gpt-3.5-turbo" }) });
    load.connect(generate);
  });
}

const parameters = {
  load_dataset: { repo_id: DATASET, split: "test" },
  text_generation: { llm: { generation_kwargs: { temperature: 0.7, max_new_tokens: 512 } } },
};

describe("the seed quickstart against a stand-in Hub, through wrangler dev", () => {
  it("loads the rows from the Hub, generates, and pushes the Distiset in the datasets layout", async () => {
    const { status, body: started } = await api.post<{ id: string }>("/v1/runs", {
      pipeline: dumpPipeline(quickstart()),
      parameters,
      use_cache: false,
      push_to_hub: { repo_id: "me/distilabel-example", private: true },
    });
    expect(status, JSON.stringify(started)).toBe(202);
    const run = await api.waitForRun(started.id);
    expect(run.status, JSON.stringify(run)).toBe("succeeded");
    expect((run.steps as Record<string, { rows_out: number }>).load_dataset?.rows_out).toBe(10);

    let push: { status: string; url?: string } | undefined;
    for (let i = 0; i < 200; i++) {
      const { body } = await api.json<{ push_to_hub?: { status: string; url?: string } }>(`/v1/runs/${started.id}`);
      push = body.push_to_hub;
      if (push?.status === "succeeded" || push?.status === "failed") break;
      await new Promise((r) => setTimeout(r, 150));
    }
    expect(push?.status, JSON.stringify(push)).toBe("succeeded");

    const repo = hub.repo("me/distilabel-example");
    expect(repo?.private).toBe(true);
    const files = [...(repo?.commits.at(-1)?.files.keys() ?? [])].sort();
    expect(files).toEqual(expect.arrayContaining(["README.md", "data/train-00000-of-00001.parquet", "pipeline.log", "pipeline.yaml"]));

    const card = parseReadme(new TextDecoder().decode(hub.file("me/distilabel-example", "README.md")));
    expect(card.data.configs).toEqual(
      [{ config_name: "default", data_files: [{ split: "train", path: "data/train-*" }] }].map((c) => expect.objectContaining({ config_name: c.config_name })),
    );
    expect(card.body).toContain("Write a haiku about the number 0.");

    const path = join(tempDir("distilflare-hub-"), "pushed.parquet");
    writeFileSync(path, hub.file("me/distilabel-example", "data/train-00000-of-00001.parquet") as Uint8Array);
    const rows = await duckdb.rows(`SELECT instruction, generation, model_name FROM read_parquet('${path}')`);
    expect(rows).toHaveLength(10);
    expect(rows.map((r) => r.instruction)).toEqual(quickstartRows(10).map((r) => r.prompt));
    expect(rows.map((r) => r.generation)).toEqual(quickstartRows(10).map((r) => `echo: ${String(r.prompt)}`));
    expect(new Set(rows.map((r) => r.model_name))).toEqual(new Set(["gpt-3.5-turbo"]));
    const types = await duckdb.types(path);
    expect(types).toMatchObject({ instruction: "VARCHAR", completion: "VARCHAR", generation: "VARCHAR" });
    expect(types.meta).toMatch(/^STRUCT\(/);

    const manual = await api.post(`/v1/runs/${started.id}/push_to_hub`, { repo_id: "me/pushed-by-hand" });
    expect(manual.status, JSON.stringify(manual.body)).toBe(200);
    expect(hub.repo("me/pushed-by-hand")?.commits.at(-1)?.files.has("data/train-00000-of-00001.parquet")).toBe(true);
  });

  it("runs a pipeline.yaml dumped by distilabel 1.5.3, posted as it is", async () => {
    const fixture = readFileSync(resolve(import.meta.dirname, "../fixtures/distilabel-1.5.3-quickstart.yaml"), "utf8");
    // Only the model server differs: a runtime parameter points the OpenAILLM at the stand-in.
    const yaml = `${fixture}parameters:\n  text_generation:\n    llm:\n      base_url: ${llm.baseUrl}\n`;
    const response = await api.request("/v1/runs?use_cache=false", { method: "POST", headers: { "content-type": "application/yaml" }, body: yaml });
    const started = (await response.json()) as { id: string };
    expect(response.status, JSON.stringify(started)).toBe(202);
    const run = await api.waitForRun(started.id);
    expect(run.status, JSON.stringify(run)).toBe("succeeded");
    const { body } = await api.json<{ rows: Array<{ instruction: string; generation: string }> }>(`/v1/runs/${started.id}/rows`);
    expect(body.rows.map((r) => r.instruction)).toEqual(quickstartRows(10).map((r) => r.prompt));
    expect(body.rows.every((r) => r.generation.startsWith("echo: "))).toBe(true);
  });

  it("refuses a missing split and an unreachable Hub with errors naming the repo", async () => {
    const missing = await api.post<{ error: { message: string } }>("/v1/runs", {
      pipeline: dumpPipeline(quickstart()),
      parameters: { ...parameters, load_dataset: { repo_id: DATASET, split: "train" } },
      use_cache: false,
    });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain(DATASET);
    expect(missing.body.error.message).toContain("train");

    const unknown = await api.post<{ error: { message: string } }>("/v1/runs", {
      pipeline: dumpPipeline(quickstart()),
      parameters: { ...parameters, load_dataset: { repo_id: "nobody/nothing", split: "test" } },
      use_cache: false,
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain("nobody/nothing");

    hub.unreachable = true;
    try {
      const down = await api.post<{ error: { message: string } }>("/v1/runs", { pipeline: dumpPipeline(quickstart()), parameters, use_cache: false });
      expect(down.status).toBe(502);
      expect(down.body.error.message).toContain(DATASET);
    } finally {
      hub.unreachable = false;
    }
  });

  it("refuses to push a run that has not succeeded", async () => {
    // Slow answers keep the run busy, so the stop lands before it can finish.
    llm.scriptFor(/haiku/, [behaviours.slow(2_000)], { repeatLast: true });
    try {
      const { body } = await api.post<{ id: string }>("/v1/runs", { pipeline: dumpPipeline(quickstart()), parameters, use_cache: false });
      const stop = await api.json<{ status: string }>(`/v1/runs/${body.id}/stop`, { method: "POST" });
      expect(["stopping", "stopped"]).toContain(stop.body.status);
      const refused = await api.post<{ error: { code: string; message: string } }>(`/v1/runs/${body.id}/push_to_hub`, { repo_id: "me/not-yet" });
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe("conflict");
      expect(refused.body.error.message).toMatch(/stopping|stopped/);
      expect(hub.repo("me/not-yet")).toBeUndefined();
    } finally {
      llm.reset();
    }
  });
});
