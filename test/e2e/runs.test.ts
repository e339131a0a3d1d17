import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OpenAILLM } from "../../src/llms/providers/openai-llm.js";
import { Pipeline } from "../../src/pipeline/pipeline.js";
import { chain } from "../../src/pipeline/chain.js";
import { dumpPipeline, pipelineToYaml } from "../../src/pipeline/serialize.js";
import { GroupColumns } from "../../src/steps/builtin/columns/group-columns.js";
import { LoadDataFromDicts } from "../../src/steps/builtin/loaders/load-data-from-dicts.js";
import { TextGeneration } from "../../src/tasks/text-generation/text-generation.js";
import { UltraFeedback } from "../../src/tasks/judges/ultra-feedback.js";
import { ApiClient } from "../../scripts/lib/api-client.js";
import { startWranglerDev, tempDir, type WranglerDev } from "../../scripts/lib/wrangler-dev.js";
import { DuckDb } from "../support/duckdb.js";
import { useFakeOpenAIServer } from "../support/use-fake-openai-server.js";

const llm = useFakeOpenAIServer();
let dev: WranglerDev;
let api: ApiClient;
let duckdb: DuckDb;
const downloads = tempDir("distilflare-e2e-files-");

beforeAll(async () => {
  dev = await startWranglerDev({ vars: { OPENAI_BASE_URL: llm.baseUrl } });
  api = new ApiClient(dev.url);
  duckdb = await DuckDb.open();
});

afterAll(async () => {
  duckdb?.close();
  await dev?.stop();
});

const instructions = Array.from({ length: 9 }, (_, i) => `Say something about the number ${i}`);

function quickstart(name: string): Pipeline {
  return new Pipeline({ name }).build(() => {
    const load = new LoadDataFromDicts({
      name: "load_dataset",
      data: instructions.map((prompt) => ({ prompt })),
      batchSize: 4,
      outputMappings: { prompt: "instruction" },
    });
    const generate = new TextGeneration({ name: "text_generation", llm: new OpenAILLM({ model: "fake-model" }), inputBatchSize: 3 });
    load.connect(generate);
  });
}

interface Manifest {
  configs: Record<string, { columns: string[]; splits: { train: { num_rows: number; files: Array<{ path: string; size_bytes: number; num_rows: number }> } } }>;
}

async function download(path: string, name: string): Promise<string> {
  const response = await api.request(path);
  expect(response.status).toBe(200);
  const file = join(downloads, name);
  writeFileSync(file, new Uint8Array(await response.arrayBuffer()));
  return file;
}

describe("end to end through wrangler dev over real HTTP", () => {
  it("runs a pipeline posted as JSON and serves Parquet that DuckDB reads", async () => {
    const { status, body: started } = await api.post<{ id: string }>("/v1/runs", { pipeline: dumpPipeline(quickstart("e2e-json")), use_cache: false });
    expect(status).toBe(202);
    const run = await api.waitForRun(started.id);
    expect(run.status, JSON.stringify(run)).toBe("succeeded");

    const { body: manifest } = await api.json<Manifest>(`/v1/runs/${started.id}/distiset`);
    const train = manifest.configs.default!.splits.train;
    expect(train.num_rows).toBe(9);
    const file = train.files[0]!;

    const range = await api.request(file.path, { headers: { range: "bytes=0-3" } });
    expect(range.status).toBe(206);
    expect(range.headers.get("content-range")).toBe(`bytes 0-3/${file.size_bytes}`);
    expect(new TextDecoder().decode(await range.arrayBuffer())).toBe("PAR1");
    const tail = await api.request(file.path, { headers: { range: "bytes=-4" } });
    expect(new TextDecoder().decode(await tail.arrayBuffer())).toBe("PAR1");
    const etag = range.headers.get("etag") as string;
    const notModified = await api.request(file.path, { headers: { "if-none-match": etag } });
    expect(notModified.status).toBe(304);

    const path = await download(file.path, "json-run.parquet");
    expect(await duckdb.types(path)).toEqual({ instruction: "VARCHAR", generation: "VARCHAR", model_name: "VARCHAR" });
    const rows = await duckdb.rows(`SELECT instruction, generation, model_name FROM read_parquet('${path}')`);
    expect(rows.map((r) => r.instruction)).toEqual(instructions);
    expect(rows.map((r) => r.generation)).toEqual(instructions.map((i) => `echo: ${i}`));
    expect(new Set(rows.map((r) => r.model_name))).toEqual(new Set(["fake-model"]));
  });

  it("runs a pipeline posted as YAML with top-level parameters", async () => {
    const yaml = `${pipelineToYaml(quickstart("e2e-yaml"))}parameters:\n  text_generation:\n    input_batch_size: 5\n`;
    const response = await api.request("/v1/runs?use_cache=false", { method: "POST", headers: { "content-type": "application/yaml" }, body: yaml });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    const run = await api.waitForRun(id);
    expect(run.status).toBe("succeeded");
    expect((run.steps as Record<string, { batches_done: number }>).text_generation!.batches_done).toBe(2);
    const stored = await (await api.request(`/v1/runs/${id}/pipeline.yaml`)).text();
    expect(stored).toContain("input_batch_size: 5");
  });

  it("rates three generations with UltraFeedback into typed Parquet columns", async () => {
    const pipeline = new Pipeline({ name: "e2e-ultrafeedback", enableMetadata: true }).build(() => {
      const load = new LoadDataFromDicts({ name: "load", data: instructions.slice(0, 4).map((instruction) => ({ instruction })), batchSize: 2 });
      const generators = ["a", "b", "c"].map(
        (m) => new TextGeneration({ name: `generate_${m}`, llm: new OpenAILLM({ model: `model-${m}` }), inputBatchSize: 2 }),
      );
      const group = new GroupColumns({
        name: "group",
        columns: ["generation", "model_name"],
        outputColumns: ["generations", "generation_models"],
        inputBatchSize: 2,
      });
      const rate = new UltraFeedback({
        name: "rate",
        aspect: "overall-rating",
        llm: new OpenAILLM({ model: "judge" }),
        useDefaultStructuredOutput: true,
        inputBatchSize: 2,
      });
      chain(load, generators, group, rate);
    });
    const { body: started } = await api.post<{ id: string }>("/v1/runs", { pipeline: dumpPipeline(pipeline), use_cache: false });
    const run = await api.waitForRun(started.id);
    expect(run.status, JSON.stringify(run)).toBe("succeeded");
    const { body: manifest } = await api.json<Manifest>(`/v1/runs/${started.id}/distiset`);
    const path = await download(manifest.configs.default!.splits.train.files[0]!.path, "ultrafeedback.parquet");
    const types = await duckdb.types(path);
    expect(types).toMatchObject({
      instruction: "VARCHAR",
      generations: "VARCHAR[]",
      generation_models: "VARCHAR[]",
      ratings: "BIGINT[]",
      rationales: "VARCHAR[]",
      model_name: "VARCHAR",
    });
    expect(types.distilabel_metadata).toMatch(/^STRUCT\(/);
    const rows = await duckdb.rows(`SELECT len(generations) AS g, len(ratings) AS r, generation_models FROM read_parquet('${path}')`);
    expect(rows).toHaveLength(4);
    for (const row of rows) expect(row).toMatchObject({ g: "3", r: "3", generation_models: ["model-a", "model-b", "model-c"] });
  });

  it("generates with a structured output schema into typed columns", async () => {
    const pipeline = new Pipeline({ name: "e2e-structured" }).build(() => {
      const load = new LoadDataFromDicts({ name: "load", data: [{ instruction: "Describe a character" }, { instruction: "Describe another one" }] });
      const generate = new TextGeneration({
        name: "generate",
        llm: new OpenAILLM({
          model: "fake-model",
          structuredOutput: {
            format: "json",
            schema: {
              type: "object",
              properties: { name: { type: "string" }, age: { type: "integer" } },
              required: ["name", "age"],
              additionalProperties: false,
            },
          },
        }),
      });
      load.connect(generate);
    });
    const { body: started } = await api.post<{ id: string }>("/v1/runs", { pipeline: dumpPipeline(pipeline), use_cache: false });
    const run = await api.waitForRun(started.id);
    expect(run.status, JSON.stringify(run)).toBe("succeeded");
    const { body: rows } = await api.json<{ rows: Array<{ generation: string }> }>(`/v1/runs/${started.id}/rows`);
    for (const row of rows.rows) expect(JSON.parse(row.generation)).toMatchObject({ name: expect.any(String), age: expect.any(Number) });
    const request = llm.generationRequests.find((r) => JSON.stringify(r.body).includes("Describe a character"));
    expect((request?.body as { response_format?: { type: string } } | undefined)?.response_format?.type).toBe("json_schema");
  });

  it("starts the scheduled pipeline from the cron trigger", async () => {
    const before = (await api.json<{ runs: Array<{ id: string }> }>("/v1/runs?limit=200")).body.runs.map((r) => r.id);
    const response = await fetch(`${dev.url}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("0 3 * * *")}`);
    expect(response.status).toBe(200);
    let created: { id: string; name: string } | undefined;
    for (let i = 0; i < 100 && !created; i++) {
      const { body } = await api.json<{ runs: Array<{ id: string; name: string }> }>("/v1/runs?limit=200");
      created = body.runs.find((r) => !before.includes(r.id));
      if (!created) await new Promise((r) => setTimeout(r, 100));
    }
    expect(created?.name).toBe("quickstart");
    const run = await api.waitForRun(created!.id);
    expect(run.status, JSON.stringify(run)).toBe("succeeded");
  });

  it("lists runs newest first and publishes the OpenAPI document", async () => {
    const { body } = await api.json<{ runs: Array<{ created_at: string }> }>("/v1/runs?limit=3");
    expect(body.runs.length).toBeGreaterThan(0);
    const times = body.runs.map((r) => r.created_at);
    expect([...times].sort().reverse()).toEqual(times);
    const { status, body: openapi } = await api.json<{ paths: Record<string, unknown> }>("/openapi.json");
    expect(status).toBe(200);
    expect(Object.keys(openapi.paths)).toContain("/v1/runs/{id}/distiset/{config}/{split}/{file}");
  });
});
