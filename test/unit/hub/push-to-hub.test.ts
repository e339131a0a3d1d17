import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Row } from "../../../src/core/row.js";
import { DistilflareError } from "../../../src/errors.js";
import { runInProcess } from "../../../src/executor/in-process-executor.js";
import { MemoryRunCache } from "../../../src/executor/run-cache.js";
import { HubClient } from "../../../src/hub/hub-client.js";
import { pushDistisetToHub } from "../../../src/hub/push-to-hub.js";
import { parseReadme } from "../../../src/hub/readme-front-matter.js";
import { Pipeline } from "../../../src/pipeline/pipeline.js";
import type { BlobStore } from "../../../src/runtime/blob-store.js";
import { runKeys } from "../../../src/runtime/run-keys.js";
import { KeepColumns } from "../../../src/steps/builtin/columns/keep-columns.js";
import { LoadDataFromDicts } from "../../../src/steps/builtin/loaders/load-data-from-dicts.js";
import { LoadDataFromHub } from "../../../src/steps/builtin/loaders/load-data-from-hub.js";
import { PushToHub } from "../../../src/steps/builtin/hub/push-to-hub.js";
import { DuckDb } from "../../support/duckdb.js";
import { FAKE_HUB_READ_TOKEN, FAKE_HUB_WRITE_TOKEN, FakeHubServer } from "../../support/fake-hub-server.js";
import { hubContext } from "./hub-fixtures.js";

let hub: FakeHubServer;
let duckdb: DuckDb;
let dir: string;

beforeAll(async () => {
  hub = await FakeHubServer.start();
  duckdb = await DuckDb.open();
  dir = mkdtempSync(join(tmpdir(), "distilflare-push-"));
});
afterAll(async () => {
  duckdb.close();
  rmSync(dir, { recursive: true, force: true });
  await hub.close();
});
beforeEach(() => {
  hub.unreachable = false;
});

const data: Row[] = Array.from({ length: 10 }, (_, i) => ({ id: i, text: `row ${i}`, tags: [`t${i}`], meta: { n: i } }));

/** A finished run in memory: one leaf (`default`) or two leaves (configs named after them). */
async function finishedRun(options: { leaves: 1 | 2; maxRowsPerFile: number; rows?: Row[] }): Promise<{ store: BlobStore; runId: string }> {
  const pipeline = new Pipeline({ name: `push-${options.leaves}-${options.maxRowsPerFile}`, description: "Rows to push" }).build(() => {
    const load = new LoadDataFromDicts({ name: "load", data: options.rows ?? data, batchSize: 3 });
    load.connect(new KeepColumns({ name: "keep_all", columns: ["id", "text", "tags", "meta"], inputBatchSize: 3 }));
    if (options.leaves === 2) load.connect(new KeepColumns({ name: "keep_ids", columns: ["id"], inputBatchSize: 3 }));
  });
  const result = await runInProcess(pipeline, { cache: new MemoryRunCache(), maxRowsPerFile: options.maxRowsPerFile, useCache: false });
  expect(result.state.status).toBe("succeeded");
  await result.store.put(runKeys.log(result.runId), "2026-01-01T00:00:00Z INFO Run finished\n");
  return { store: result.store, runId: result.runId };
}

function client(token: string | undefined = FAKE_HUB_WRITE_TOKEN): HubClient {
  return new HubClient({ endpoint: hub.url, token });
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

function savePushed(repoId: string, path: string): string {
  const file = join(dir, `${repoId.replace("/", "_")}_${path.replaceAll("/", "_")}`);
  writeFileSync(file, hub.file(repoId, path) as Uint8Array);
  return file;
}

describe("pushDistisetToHub", () => {
  it("pushes a single-leaf Distiset in the datasets layout, with card, pipeline.yaml and pipeline.log, in one commit", async () => {
    const { store, runId } = await finishedRun({ leaves: 1, maxRowsPerFile: 4 });
    const result = await pushDistisetToHub({ store, runId, target: { repoId: "me/single", private: true, client: client() } });

    const repo = hub.repo("me/single");
    expect(repo?.private).toBe(true);
    expect(repo?.commits.map((c) => c.title)).toEqual(["initial commit", `Upload Distiset of run ${runId} (10 rows)`]);
    const files = [...hub.store.head(repo!).files.keys()].sort();
    expect(files).toEqual([
      ".gitattributes",
      "README.md",
      "data/train-00000-of-00002.parquet",
      "data/train-00001-of-00002.parquet",
      "pipeline.log",
      "pipeline.yaml",
    ]);
    expect(result).toMatchObject({ repo_id: "me/single", url: `${hub.url}/datasets/me/single`, num_rows: 10, deleted: [] });
    expect(result.commit.oid).toBe(repo!.commits[1]!.oid);
    // Parquet went through LFS (basic transfer); the client was not offered Xet.
    expect(
      hub.store
        .head(repo!)
        .operations.filter((o) => o.op === "lfs")
        .map((o) => o.path),
    ).toHaveLength(2);
    expect(hub.lfsBatches.filter((b) => b.repoId === "me/single").map((b) => b.transfers)).toEqual([["basic", "multipart"]]);

    const card = parseReadme(new TextDecoder().decode(hub.file("me/single", "README.md")));
    expect(card.data.configs).toEqual([{ config_name: "default", data_files: [{ split: "train", path: "data/train-*" }] }]);
    expect(card.data.tags).toEqual(["synthetic", "distilabel", "distilflare", "rlaif"]);
    expect(card.data.size_categories).toEqual(["n<1K"]);
    expect(card.body).toContain("| default | 10 | 2 | `id`, `text`, `tags`, `meta` |");
    expect(card.body).toContain('"text": "row 0"');
    expect(card.body).toContain('ds = load_dataset("me/single", "default")');
    expect(card.body).toContain("name: push-1-4");
    expect(new TextDecoder().decode(hub.file("me/single", "pipeline.log"))).toBe("2026-01-01T00:00:00Z INFO Run finished\n");
    expect(parseYaml(new TextDecoder().decode(hub.file("me/single", "pipeline.yaml")))).toMatchObject({ pipeline: { name: "push-1-4" } });

    const paths = [0, 1].map((i) => savePushed("me/single", `data/train-0000${i}-of-00002.parquet`));
    const read = await duckdb.rows(
      `SELECT id::INTEGER AS id, text, tags, meta.n::INTEGER AS meta_n FROM read_parquet([${paths.map((p) => `'${p}'`).join(", ")}]) ORDER BY id`,
    );
    expect(read).toEqual(data.map((r) => ({ id: r.id, text: r.text, tags: r.tags, meta_n: r.id })));
  });

  it("pushes each leaf as its own config folder that LoadDataFromHub reads back by config", async () => {
    const { store, runId } = await finishedRun({ leaves: 2, maxRowsPerFile: 100 });
    await pushDistisetToHub({ store, runId, target: { repoId: "me/multi", client: client() } });
    const files = [...hub.store.head(hub.repo("me/multi")!).files.keys()].filter((p) => p.endsWith(".parquet")).sort();
    expect(files).toEqual(["keep_all/train-00000-of-00001.parquet", "keep_ids/train-00000-of-00001.parquet"]);
    const card = parseReadme(new TextDecoder().decode(hub.file("me/multi", "README.md")));
    expect(card.data.configs).toEqual([
      { config_name: "keep_all", data_files: [{ split: "train", path: "keep_all/train-*" }] },
      { config_name: "keep_ids", data_files: [{ split: "train", path: "keep_ids/train-*" }] },
    ]);
    const ids = await duckdb.rows(
      `SELECT id::INTEGER AS id FROM read_parquet('${savePushed("me/multi", "keep_ids/train-00000-of-00001.parquet")}') ORDER BY id`,
    );
    expect(ids).toEqual(data.map((r) => ({ id: r.id })));

    const reader = new LoadDataFromHub({ repoId: "me/multi", config: "keep_ids", batchSize: 100, pipeline: null });
    await reader.resolveColumns(hubContext(hub));
    expect(reader.outputs).toEqual(["id"]);
    expect((await reader.generate(0, hubContext(hub))).rows).toEqual(data.map((r) => ({ id: r.id })));
  });

  it("replaces an earlier push: stale shards are deleted and the card keeps other configs", async () => {
    const first = await finishedRun({ leaves: 1, maxRowsPerFile: 4 });
    await pushDistisetToHub({ store: first.store, runId: first.runId, target: { repoId: "me/again", client: client() } });
    const repo = hub.repo("me/again")!;
    // Someone added a config by hand between the pushes.
    const head = hub.store.head(repo);
    const readme = new TextDecoder().decode(head.files.get("README.md"));
    const edited = new Map(head.files);
    edited.set("README.md", new TextEncoder().encode(readme.replace("configs:\n", "configs:\n  - config_name: manual\n    data_files: manual/*.parquet\n")));
    repo.commits.push({ oid: "a".repeat(40), title: "manual edit", files: edited, operations: [] });

    const second = await finishedRun({ leaves: 1, maxRowsPerFile: 100, rows: data.slice(0, 2) });
    const result = await pushDistisetToHub({
      store: second.store,
      runId: second.runId,
      target: { repoId: "me/again", client: client(), commitMessage: "second push" },
    });
    expect(result.deleted).toEqual(["data/train-00000-of-00002.parquet", "data/train-00001-of-00002.parquet"]);
    const files = [...hub.store.head(repo).files.keys()].filter((p) => p.endsWith(".parquet"));
    expect(files).toEqual(["data/train-00000-of-00001.parquet"]);
    expect(repo.commits.at(-1)?.title).toBe("second push");
    const card = parseReadme(new TextDecoder().decode(hub.file("me/again", "README.md")));
    expect(card.data.configs).toEqual([
      { config_name: "manual", data_files: "manual/*.parquet" },
      { config_name: "default", data_files: [{ split: "train", path: "data/train-*" }] },
    ]);
  });

  it("falls back to the basic LFS transfer when Xet is offered but the Hub picks basic", async () => {
    const { store, runId } = await finishedRun({ leaves: 1, maxRowsPerFile: 100 });
    await pushDistisetToHub({ store, runId, target: { repoId: "me/xet", client: client(), useXet: true } });
    expect(hub.lfsBatches.filter((b) => b.repoId === "me/xet").map((b) => b.transfers)).toEqual([["basic", "multipart", "xet"]]);
    expect(hub.requests.some((r) => r.method === "PUT" && r.path.startsWith("/lfs-upload/"))).toBe(true);
    expect(hub.file("me/xet", "data/train-00000-of-00001.parquet")).toBeDefined();
  });

  describe("failures name the repository and the cause", () => {
    it("no token", async () => {
      const { store, runId } = await finishedRun({ leaves: 1, maxRowsPerFile: 100 });
      const error = await failure(() => pushDistisetToHub({ store, runId, target: { repoId: "me/x", client: client("") } }));
      expect(error.message).toBe("Pushing to dataset 'me/x' needs a Hub token with write access: pass token or set the HF_TOKEN secret");
      expect(error.details).toMatchObject({ reason: "unauthorized" });
    });

    it("a read-only token", async () => {
      const { store, runId } = await finishedRun({ leaves: 1, maxRowsPerFile: 100 });
      const error = await failure(() => pushDistisetToHub({ store, runId, target: { repoId: "me/readonly", client: client(FAKE_HUB_READ_TOKEN) } }));
      expect(error.message).toBe(
        "Pushing to dataset 'me/readonly' failed while creating the repository (HTTP 403: You don't have the rights to create a dataset under this namespace): the token needs write access to the repository or its namespace",
      );
      expect(error.details).toMatchObject({ reason: "forbidden", status: 403, repo_id: "me/readonly" });
    });

    it("a bad token", async () => {
      const { store, runId } = await finishedRun({ leaves: 1, maxRowsPerFile: 100 });
      const error = await failure(() => pushDistisetToHub({ store, runId, target: { repoId: "me/bad", client: client("hf_bogus") } }));
      expect(error.message).toContain("for dataset 'me/bad' (HTTP 401: Invalid credentials in Authorization header): the HF_TOKEN is invalid or expired");
    });

    it("an unreachable Hub", async () => {
      const { store, runId } = await finishedRun({ leaves: 1, maxRowsPerFile: 100 });
      hub.unreachable = true;
      const error = await failure(() => pushDistisetToHub({ store, runId, target: { repoId: "me/away", client: client() } }));
      expect(error.message).toMatch(
        /^Could not reach the Hub at http:\/\/127\.0\.0\.1:\d+ while listing the repository files for dataset 'me\/away': fetch failed/,
      );
      expect(error.details).toMatchObject({ reason: "unreachable" });
    });

    it("a run without a Distiset", async () => {
      const { store } = await finishedRun({ leaves: 1, maxRowsPerFile: 100 });
      const error = await failure(() => pushDistisetToHub({ store, runId: "not-finished", target: { repoId: "me/x", client: client() } }));
      expect(error.code).toBe("conflict");
      expect(error.message).toBe("Run 'not-finished' has no Distiset yet ('runs/not-finished/distiset.json' is missing): push it once the run has succeeded");
    });
  });
});

describe("PushToHub step", () => {
  it("pushes the rows it receives as one split and passes them through", async () => {
    const pipeline = new Pipeline({ name: "push-step" }).build(() => {
      const load = new LoadDataFromDicts({ name: "load", data, batchSize: 4 });
      load.connect(new PushToHub({ name: "push", repoId: "me/step", split: "test" }));
    });
    const secrets: Record<string, string> = { HF_ENDPOINT: hub.url, HF_TOKEN: FAKE_HUB_WRITE_TOKEN };
    const result = await runInProcess(pipeline, { cache: new MemoryRunCache(), services: { secret: (name) => secrets[name] } });
    expect(result.state.status).toBe("succeeded");
    expect(result.distiset.rows("default")).toEqual(data);
    const card = parseReadme(new TextDecoder().decode(hub.file("me/step", "README.md")));
    expect(card.data.configs).toEqual([{ config_name: "default", data_files: [{ split: "test", path: "data/test-*" }] }]);
    const read = await duckdb.rows(
      `SELECT id::INTEGER AS id, text FROM read_parquet('${savePushed("me/step", "data/test-00000-of-00001.parquet")}') ORDER BY id`,
    );
    expect(read).toEqual(data.map((r) => ({ id: r.id, text: r.text })));
  });

  it("requires repo_id at validation", async () => {
    const pipeline = new Pipeline({ name: "push-step-missing" }).build(() => {
      new LoadDataFromDicts({ name: "load", data }).connect(new PushToHub({ name: "push" }));
    });
    const error = await failure(() => runInProcess(pipeline, { cache: new MemoryRunCache() }));
    expect(error.message).toBe(
      `Step 'push' is missing required runtime parameter 'repo_id'. Please, provide a value for it when running the pipeline: "parameters": {"push":{"repo_id":"<value>"}}`,
    );
  });
});
