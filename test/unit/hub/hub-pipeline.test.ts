import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Row } from "../../../src/core/row.js";
import { writeParquet } from "../../../src/distiset/parquet/index.js";
import { DistilflareError } from "../../../src/errors.js";
import { runInProcess } from "../../../src/executor/in-process-executor.js";
import { MemoryRunCache } from "../../../src/executor/run-cache.js";
import { HubClient } from "../../../src/hub/hub-client.js";
import { pushDistisetToHub } from "../../../src/hub/push-to-hub.js";
import { parseReadme } from "../../../src/hub/readme-front-matter.js";
import { Pipeline } from "../../../src/pipeline/pipeline.js";
import { LoadDataFromHub } from "../../../src/steps/builtin/loaders/load-data-from-hub.js";
import type { StepContext } from "../../../src/steps/step-context.js";
import { defineStep } from "../../../src/steps/step-factory.js";
import { TextGeneration } from "../../../src/tasks/text-generation/text-generation.js";
import { DuckDb } from "../../support/duckdb.js";
import { FAKE_HUB_WRITE_TOKEN, FakeHubServer, quickstartRows } from "../../support/fake-hub-server.js";
import { ScriptedLLM } from "../../support/scripted-llm.js";
import { numberedRows } from "./hub-fixtures.js";

const QUICKSTART_REPO = "distilabel-internal-testing/instruction-dataset-mini";
const FAST_RETRY = { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 };

let hub: FakeHubServer;
let duckdb: DuckDb;
let dir: string;
const secrets = (): Record<string, string> => ({ HF_ENDPOINT: hub.url, HF_TOKEN: FAKE_HUB_WRITE_TOKEN });

beforeAll(async () => {
  hub = await FakeHubServer.start();
  hub.addDataset(QUICKSTART_REPO, { files: { "data/test-00000-of-00001.parquet": writeParquet(quickstartRows()) } });
  hub.addDataset("distilflare-test/sixty", {
    files: {
      "data/train-00000-of-00002.parquet": writeParquet(numberedRows(0, 30, 10), undefined, { rowGroupSize: 8 }),
      "data/train-00001-of-00002.parquet": writeParquet(numberedRows(30, 30, 10), undefined, { rowGroupSize: 8 }),
    },
  });
  duckdb = await DuckDb.open();
  dir = mkdtempSync(join(tmpdir(), "distilflare-hub-pipeline-"));
});
afterAll(async () => {
  duckdb.close();
  rmSync(dir, { recursive: true, force: true });
  await hub.close();
});
beforeEach(() => {
  hub.unreachable = false;
});

function quickstart(): Pipeline {
  return new Pipeline({ name: "simple-text-generation-pipeline", description: "A simple text generation pipeline" }).build(() => {
    const load = new LoadDataFromHub({ name: "load_dataset", outputMappings: { prompt: "instruction" }, batchSize: 4 });
    const generate = new TextGeneration({
      name: "text_generation",
      llm: new ScriptedLLM({ model: "scripted", replies: ["Answer to: {input}"] }),
      inputBatchSize: 3,
    });
    load.connect(generate);
  });
}

async function failure(run: () => Promise<unknown>): Promise<DistilflareError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof DistilflareError) return error;
    throw error;
  }
  throw new Error("expected a failure");
}

describe("LoadDataFromHub in a pipeline", () => {
  it("runs the quickstart (LoadDataFromHub with prompt -> instruction, TextGeneration) and pushes its Distiset", async () => {
    const result = await runInProcess(quickstart(), {
      cache: new MemoryRunCache(),
      parameters: { load_dataset: { repo_id: QUICKSTART_REPO, split: "test" } },
      services: { secret: (name) => secrets()[name] },
    });
    expect(result.state.status).toBe("succeeded");
    const rows = result.distiset.rows("default");
    expect(rows).toHaveLength(10);
    expect(rows[3]).toEqual({
      instruction: "Write a haiku about the number 3.",
      completion: quickstartRows()[3]?.completion,
      meta: { category: "Poetry", id: 3 },
      generation: "Answer to: Write a haiku about the number 3.",
      model_name: "scripted",
    });

    const pushed = await pushDistisetToHub({
      store: result.store,
      runId: result.runId,
      target: { repoId: "me/quickstart-generations", client: new HubClient({ endpoint: hub.url, token: FAKE_HUB_WRITE_TOKEN }) },
    });
    expect(pushed.files).toEqual(["data/train-00000-of-00001.parquet", "README.md", "pipeline.yaml"]);
    const card = parseReadme(new TextDecoder().decode(hub.file("me/quickstart-generations", "README.md")));
    expect(card.data.configs).toEqual([{ config_name: "default", data_files: [{ split: "train", path: "data/train-*" }] }]);
    expect(card.body).toContain("A simple text generation pipeline");
    expect(card.body).toContain("name: LoadDataFromHub");
    const path = join(dir, "quickstart.parquet");
    writeFileSync(path, hub.file("me/quickstart-generations", "data/train-00000-of-00001.parquet") as Uint8Array);
    const read = await duckdb.rows(`SELECT instruction, generation, model_name FROM read_parquet('${path}') ORDER BY instruction`);
    expect(read).toEqual(
      quickstartRows()
        .map((r) => ({ instruction: r.prompt, generation: `Answer to: ${String(r.prompt)}`, model_name: "scripted" }))
        .sort((a, b) => String(a.instruction).localeCompare(String(b.instruction))),
    );
  });

  it("validates output_mappings against the real columns: a mapping of a column the dataset lacks is a DAG error", async () => {
    const pipeline = new Pipeline({ name: "bad-mapping" }).build(() => {
      const load = new LoadDataFromHub({ name: "load_dataset", outputMappings: { question: "instruction" } });
      load.connect(new TextGeneration({ name: "text_generation", llm: new ScriptedLLM() }));
    });
    const error = await failure(() =>
      runInProcess(pipeline, {
        cache: new MemoryRunCache(),
        parameters: { load_dataset: { repo_id: QUICKSTART_REPO, split: "test" } },
        services: { secret: (name) => secrets()[name] },
      }),
    );
    expect(error.code).toBe("invalid_dag");
    expect(error.message).toContain("The output columns 'question' of the output mappings are not valid");
    expect(error.message).toContain("valid for the step 'load_dataset': ['prompt', 'completion', 'meta']");
  });

  it("refuses to start without repo_id, and names the repository when it does not exist", async () => {
    const missing = await failure(() => runInProcess(quickstart(), { cache: new MemoryRunCache(), services: { secret: (name) => secrets()[name] } }));
    expect(missing.message).toBe(
      `Step 'load_dataset' is missing required runtime parameter 'repo_id'. Please, provide a value for it when running the pipeline: "parameters": {"load_dataset":{"repo_id":"<value>"}}`,
    );
    const unknown = await failure(() =>
      runInProcess(quickstart(), {
        cache: new MemoryRunCache(),
        parameters: { load_dataset: { repo_id: "nobody/nothing" } },
        services: { secret: (name) => secrets()[name] },
      }),
    );
    expect(unknown.message).toContain("Dataset 'nobody/nothing' was not found on the Hub");
  });

  it("fails the run with the Hub error when the Hub goes away during the load", async () => {
    const Pass = defineStep({ name: "Pass", inputs: ["prompt"], outputs: [], process: ([rows]) => rows ?? [] });
    const pipeline = new Pipeline({ name: "hub-goes-away" }).build(() => {
      new LoadDataFromHub({ name: "load", repoId: "distilflare-test/sixty", batchSize: 7 }).connect(new Pass({ name: "pass" }));
    });
    let calls = 0;
    const result = await runInProcess(pipeline, {
      cache: new MemoryRunCache(),
      retry: FAST_RETRY,
      concurrency: 1,
      partial: true,
      services: { secret: (name) => secrets()[name] },
      onTransition: () => {
        if (++calls === 3) hub.unreachable = true;
      },
    });
    expect(result.state.status).toBe("failed");
    expect(result.state.error?.message).toMatch(
      /^Step 'load': Could not reach the Hub at http:\/\/127\.0\.0\.1:\d+ while .* for dataset 'distilflare-test\/sixty'/,
    );
  });

  it("stops mid-load and resumes, reading every row exactly once", async () => {
    const cache = new MemoryRunCache();
    const controller = new AbortController();
    const offsets: number[] = [];
    class WatchedLoad extends LoadDataFromHub {
      override async generate(offset: number, context: StepContext) {
        offsets.push(offset);
        return super.generate(offset, context);
      }
    }
    const processed: number[] = [];
    const Collect = defineStep({
      name: "Collect",
      inputs: ["id"],
      outputs: [],
      process: ([rows]) => {
        processed.push(...(rows ?? []).map((r) => Number(r.id)));
        if (processed.length >= 14) controller.abort();
        return rows ?? [];
      },
    });
    const build = () =>
      new Pipeline({ name: "resumable-hub-load" }).build(() => {
        new WatchedLoad({ name: "load", repoId: "distilflare-test/sixty", batchSize: 7 }).connect(new Collect({ name: "collect", inputBatchSize: 7 }));
      });
    const services = { secret: (name: string) => secrets()[name] };
    const stopped = await runInProcess(build(), { cache, signal: controller.signal, concurrency: 1, services, partial: true });
    expect(stopped.state.status).toBe("stopped");
    const offsetsBeforeStop = [...offsets];
    expect(offsetsBeforeStop.length).toBeLessThan(9);

    const resumed = await runInProcess(build(), { cache, services });
    expect(resumed.state.status).toBe("succeeded");
    expect(resumed.runId).toBe(stopped.runId);
    // Every offset was generated once: the resumed run continued where the stopped one ended.
    expect(offsets).toEqual([0, 7, 14, 21, 28, 35, 42, 49, 56].slice(0, offsets.length));
    expect(new Set(offsets).size).toBe(offsets.length);
    expect(offsets.at(-1)).toBe(56);
    const ids = resumed.distiset.rows("default").map((r: Row) => r.id);
    expect(ids).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect([...processed].sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, i) => i));
  });
});
