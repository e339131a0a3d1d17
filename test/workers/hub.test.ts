import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Row } from "../../src/core/row.js";
import { createDefaultRegistry } from "../../src/default-registry.js";
import { writeParquet } from "../../src/distiset/parquet/index.js";
import { HubClient } from "../../src/hub/hub-client.js";
import { pushDistisetToHub } from "../../src/hub/push-to-hub.js";
import { parseReadme } from "../../src/hub/readme-front-matter.js";
import { Pipeline } from "../../src/pipeline/pipeline.js";
import { dumpPipeline } from "../../src/pipeline/serialize.js";
import { runKeys } from "../../src/runtime/run-keys.js";
import { LoadDataFromDistiset } from "../../src/steps/builtin/loaders/load-data-from-distiset.js";
import { LoadDataFromFileSystem } from "../../src/steps/builtin/loaders/load-data-from-file-system.js";
import { LoadDataFromHub } from "../../src/steps/builtin/loaders/load-data-from-hub.js";
import { BufferLogger, defaultServices } from "../../src/steps/step-context.js";
import { testContext } from "../support/test-context.js";
import { defineStep } from "../../src/steps/step-factory.js";
import { R2BlobStore } from "../../bindings/r2-blob-store.js";
import { FAKE_HUB_WRITE_TOKEN, FakeHub } from "../support/fake-hub.js";
import { postJson, workerHarness, type RunRequest } from "../support/worker-harness.js";
import { noise } from "../support/noise.js";

const Double = defineStep({
  name: "Double",
  inputs: ["n"],
  outputs: ["twice"],
  process: ([rows]) => (rows ?? []).map((r) => ({ ...r, twice: Number(r.n) * 2 })),
});

const harness = workerHarness({ registry: createDefaultRegistry().register(Double), pipelines: {} });

function jsonError(text: string): string {
  try {
    JSON.parse(text);
    return "";
  } catch (error) {
    return (error as Error).message;
  }
}

async function start(body: RunRequest): Promise<string> {
  const { status, body: started } = await harness.startRun(body);
  expect(status, JSON.stringify(started)).toBe(202);
  return started.id;
}

describe("data in and out inside workerd", () => {
  it("loads JSON Lines from R2, then chains a second run on the first run's Distiset", async () => {
    const lines = Array.from({ length: 17 }, (_, n) => JSON.stringify({ n, label: `item ${n}` })).join("\n");
    await env.DATA.put("inputs/wk/items-a.jsonl", lines);
    const first = new Pipeline({ name: "wk-fs-load" }).build(() => {
      new LoadDataFromFileSystem({ name: "load", dataFiles: "inputs/wk/*.jsonl", batchSize: 5 }).connect(new Double({ name: "double", inputBatchSize: 4 }));
    });
    const firstId = await start({ pipeline: first, use_cache: false });
    const firstRun = await harness.waitForRun(firstId);
    expect(firstRun.status, JSON.stringify(firstRun)).toBe("succeeded");
    // Each batch after the first started at its stored checkpoint.
    const checkpoints = await env.DATA.list({ prefix: `runs/${firstId}/sources/load/checkpoints/` });
    expect(checkpoints.objects.map((o) => o.key.split("/").at(-1)).sort()).toEqual(["10.json", "15.json", "5.json"]);

    const second = new Pipeline({ name: "wk-chain" }).build(() => {
      new LoadDataFromDistiset({ name: "previous", batchSize: 6 }).connect(
        new Double({ name: "double_again", inputMappings: { n: "twice" }, outputMappings: { twice: "quadruple" } }),
      );
    });
    const secondId = await start({ pipeline: second, parameters: { previous: { dataset_path: `runs/${firstId}` } }, use_cache: false });
    const secondRun = await harness.waitForRun(secondId);
    expect(secondRun.status, JSON.stringify(secondRun)).toBe("succeeded");
    const { body } = await harness.json<{ rows: Row[] }>(`/v1/runs/${secondId}/rows?length=100`);
    expect(body.rows.map((r) => [r.n, r.twice, r.quadruple])).toEqual(Array.from({ length: 17 }, (_, n) => [n, n * 2, n * 4]));
  });

  it("reads a Hub dataset with range requests and pushes a Distiset through @huggingface/hub", async () => {
    const hub = new FakeHub();
    const rows = Array.from({ length: 3_000 }, (_, i) => ({ id: i, text: noise(i, 500) }));
    hub.addDataset("org/big", { files: { "data/train-00000-of-00001.parquet": writeParquet(rows, undefined, { rowGroupSize: 250 }) } });
    const secrets: Record<string, string> = { HF_ENDPOINT: hub.baseUrl, HF_TOKEN: FAKE_HUB_WRITE_TOKEN };
    const context = testContext({ logger: new BufferLogger(""), services: defaultServices({ fetch: hub.fetch, secret: (name) => secrets[name] }) });
    const load = new LoadDataFromHub({ repoId: "org/big", batchSize: 100, pipeline: null });
    await load.resolveColumns(context);
    expect(load.outputs).toEqual(["id", "text"]);
    expect((await load.generate(1_200, context)).rows.map((r) => r.id)).toEqual(rows.slice(1_200, 1_300).map((r) => r.id));

    // A Distiset in R2 as a finished run leaves it, with a Parquet file large enough (> 1 MB) to be hashed as a stream.
    const runId = "wk-push-run";
    const bytes = writeParquet(rows);
    expect(bytes.byteLength).toBeGreaterThan(1 << 20);
    const file = runKeys.distisetFile(runId, "default", "train", 0);
    await env.DATA.put(file, bytes);
    await env.DATA.put(runKeys.pipelineYaml(runId), "pipeline:\n  name: wk-push\n  description: pushed from workerd\n");
    await env.DATA.put(
      runKeys.manifest(runId),
      JSON.stringify({
        run_id: runId,
        pipeline: "wk-push",
        created_at: new Date().toISOString(),
        configs: {
          default: {
            step: "load",
            columns: ["id", "text"],
            splits: { train: { num_rows: rows.length, files: [{ path: file, size_bytes: bytes.byteLength, num_rows: rows.length }] } },
          },
        },
      }),
    );
    const result = await pushDistisetToHub({
      store: new R2BlobStore(env.DATA),
      runId,
      target: { repoId: "me/from-workerd", client: new HubClient({ endpoint: hub.baseUrl, token: FAKE_HUB_WRITE_TOKEN, fetch: hub.fetch }) },
    });
    expect(result.files).toEqual(["data/train-00000-of-00001.parquet", "README.md", "pipeline.yaml"]);
    expect(hub.file("me/from-workerd", "data/train-00000-of-00001.parquet")).toEqual(bytes);
    const card = parseReadme(new TextDecoder().decode(hub.file("me/from-workerd", "README.md")));
    expect(card.data.configs).toEqual([{ config_name: "default", data_files: [{ split: "train", path: "data/train-*" }] }]);
    expect(card.body).toContain("pushed from workerd");
  });

  it("refuses to push a run that has not succeeded, or without a token", async () => {
    const failing = new Pipeline({ name: "wk-push-refused" }).build(() => {
      new LoadDataFromFileSystem({ name: "load", dataFiles: "inputs/none/*.jsonl" }).connect(new Double({ name: "double" }));
    });
    const refused = await harness.json<{ error: { code: string; message: string } }>(
      "/v1/runs",
      postJson({ pipeline: dumpPipeline(failing), use_cache: false }),
    );
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toBe("Step 'load': data_files 'inputs/none/*.jsonl' matches no object in the run's object store");

    // 150 good lines pass validation (it samples 100); the bad one fails the run at its fourth batch.
    const good = Array.from({ length: 150 }, (_, n) => JSON.stringify({ n }));
    await env.DATA.put("inputs/wk-bad/a.jsonl", [...good, "{oops}"].join("\n"));
    const pipeline = new Pipeline({ name: "wk-push-conflict" }).build(() => {
      new LoadDataFromFileSystem({ name: "load", dataFiles: "inputs/wk-bad/a.jsonl", batchSize: 50 }).connect(new Double({ name: "double" }));
    });
    const id = await start({ pipeline, use_cache: false });
    const failed = await harness.waitForRun(id);
    expect(failed.status).toBe("failed");
    expect((failed.error as { message: string }).message).toBe(
      "Step 'load': JSON Lines file 'inputs/wk-bad/a.jsonl': the line at byte 1390 is not valid JSON: " + jsonError("{oops}"),
    );
    const conflict = await harness.json<{ error: { code: string; message: string } }>(
      `/v1/runs/${id}/push_to_hub`,
      postJson({ repo_id: "me/x", token: "hf_x" }),
    );
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.message).toBe(`Run '${id}' is failed; only a run that succeeded can be pushed to the Hub`);
    const noToken = await harness.json<{ error: { code: string; message: string } }>(`/v1/runs/${id}/push_to_hub`, postJson({ repo_id: "me/x" }));
    expect(noToken.status).toBe(400);
    expect(noToken.body.error.message).toBe("Pushing to the Hub needs a token with write access: pass token or set the HF_TOKEN secret");
    const missing = await harness.json<{ error: { code: string } }>(`/v1/runs/nope-nope/push_to_hub`, postJson({ repo_id: "me/x", token: "hf_x" }));
    expect(missing.status).toBe(404);
    const bad = await harness.json<{ error: { code: string; message: string } }>(`/v1/runs/${id}/push_to_hub`, postJson({ repo_id: "not a repo" }));
    expect(bad.status).toBe(400);
  });

  it("pushes after success when asked at start, keeping the token out of the status, the log and R2", async () => {
    await env.DATA.put("inputs/wk-auto/a.jsonl", [1, 2, 3].map((n) => JSON.stringify({ n })).join("\n"));
    const pipeline = new Pipeline({ name: "wk-auto-push" }).build(() => {
      new LoadDataFromFileSystem({ name: "load", dataFiles: "inputs/wk-auto/a.jsonl" }).connect(new Double({ name: "double" }));
    });
    // Not a Hub token (no hf_ prefix): the push fails before any request, so no Hub is needed here.
    const token = "secret-token-that-must-not-leak";
    const id = await start({ pipeline, use_cache: false, push_to_hub: { repo_id: "me/auto", token } });
    const run = await harness.waitForRun(id);
    expect(run.status).toBe("succeeded");
    const deadline = Date.now() + 20_000;
    let view = run as { push_to_hub?: { status: string; repo_id: string; error?: { message: string } } };
    while (!["succeeded", "failed"].includes(view.push_to_hub?.status ?? "") && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      view = (await harness.json<typeof view>(`/v1/runs/${id}`)).body;
    }
    expect(view.push_to_hub).toMatchObject({
      status: "failed",
      repo_id: "me/auto",
      error: { message: "Pushing to dataset 'me/auto': the Hub token does not look like one (Hub tokens start with 'hf_')" },
    });
    expect(JSON.stringify(view)).not.toContain(token);
    const logs = await harness.text(`/v1/runs/${id}/logs`);
    expect(logs).toContain("Push to 'me/auto' failed");
    expect(logs).not.toContain(token);
    const objects = await env.DATA.list({ prefix: `runs/${id}/` });
    for (const object of objects.objects) {
      const text = await (await env.DATA.get(object.key))?.text();
      expect(text ?? "", object.key).not.toContain(token);
    }
  });
});
