import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Row } from "../../../src/core/row.js";
import { writeParquet } from "../../../src/distiset/parquet/index.js";
import { DistilflareError } from "../../../src/errors.js";
import { MemoryBlobStore } from "../../../src/runtime/blob-store.js";
import { LoadDataFromHub } from "../../../src/steps/builtin/loaders/load-data-from-hub.js";
import type { StepContext } from "../../../src/steps/step-context.js";
import { FAKE_HUB_READ_TOKEN, FakeHubServer } from "../../support/fake-hub-server.js";
import { hubContext, numberedRows, shardedDataset } from "./hub-fixtures.js";

const REPO = "distilflare-test/sharded";
const FILES = 3;
const ROWS_PER_FILE = 5_000;
const ROW_GROUP = 250;

let hub: FakeHubServer;
let fileSize: number;

beforeAll(async () => {
  hub = await FakeHubServer.start({ treePageSize: 2 });
  const files = shardedDataset({ files: FILES, rowsPerFile: ROWS_PER_FILE, rowGroupSize: ROW_GROUP });
  fileSize = Object.values(files)[0]?.byteLength ?? 0;
  hub.addDataset(REPO, { files: { ...files, "README.md": "# sharded\n" } });
});
afterAll(async () => hub.close());
beforeEach(() => {
  hub.unreachable = false;
});

async function loadAll(step: LoadDataFromHub, context: StepContext, from = 0): Promise<{ rows: Row[]; bytesPerBatch: number[] }> {
  const rows: Row[] = [];
  const bytesPerBatch: number[] = [];
  let offset = from;
  for (;;) {
    const before = hub.requests.length;
    const batch = await step.generate(offset, context);
    bytesPerBatch.push(hub.requests.slice(before).reduce((sum, r) => sum + r.bytes, 0));
    rows.push(...batch.rows);
    offset += batch.rows.length;
    if (batch.lastBatch) return { rows, bytesPerBatch };
  }
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

describe("LoadDataFromHub", () => {
  it("discovers the Parquet columns before validation", async () => {
    const step = new LoadDataFromHub({ repoId: REPO, pipeline: null });
    expect(step.outputs).toEqual([]);
    await step.resolveColumns(hubContext(hub));
    expect(step.outputs).toEqual(["id", "prompt", "text"]);
  });

  it("streams every row in order across files and batches, fetching a bounded slice of the data per batch", async () => {
    const step = new LoadDataFromHub({ repoId: REPO, batchSize: 150, pipeline: null });
    const { rows, bytesPerBatch } = await loadAll(step, hubContext(hub, { blobs: new MemoryBlobStore() }));
    expect(rows.map((r) => r.id)).toEqual(Array.from({ length: FILES * ROWS_PER_FILE }, (_, i) => i));
    expect(rows[4_321]).toEqual(numberedRows(4_321, 1)[0]);
    // The first batch also reads the footer of every file to count rows; later batches read one or
    // two footers (64 KB each) and the row groups (250 rows) holding their 150 rows.
    const later = bytesPerBatch.slice(1);
    const worst = Math.max(...later);
    expect(later.length).toBe(Math.ceil((FILES * ROWS_PER_FILE) / 150) - 1);
    expect(worst).toBeLessThan(fileSize * 0.2);
    expect(worst * FILES * 5).toBeLessThan(FILES * fileSize);
    // A hundred batches over loopback HTTP take about 4.5 s on an idle 2-core machine: the 5 s default is too tight.
  }, 30_000);

  it("resumes at an offset on the commit it pinned, reading every row exactly once", async () => {
    const repo = "distilflare-test/resumable";
    hub.addDataset(repo, { files: shardedDataset({ files: 2, rowsPerFile: 300, rowGroupSize: 50, textLength: 20 }) });
    const blobs = new MemoryBlobStore();
    const first = new LoadDataFromHub({ repoId: repo, batchSize: 70, pipeline: null });
    const context = hubContext(hub, { blobs, runId: "resume-run" });
    const seen: Row[] = [];
    let offset = 0;
    for (let i = 0; i < 4; i++) {
      const batch = await first.generate(offset, context);
      seen.push(...batch.rows);
      offset += batch.rows.length;
    }
    // The dataset changes on main while the run is stopped: the resumed run still reads its commit.
    const store = hub.store;
    const head = store.head(hub.repo(repo)!);
    const changed = new Map(head.files);
    changed.set("data/train-00000-of-00002.parquet", writeParquet(numberedRows(10_000, 5, 20)));
    hub.repo(repo)!.commits.push({ oid: "f".repeat(40), title: "rewrite", files: changed, operations: [] });

    const resumed = new LoadDataFromHub({ repoId: repo, batchSize: 70, pipeline: null });
    const rest = await loadAll(resumed, hubContext(hub, { blobs, runId: "resume-run" }), offset);
    const ids = [...seen, ...rest.rows].map((r) => r.id);
    expect(ids).toEqual(Array.from({ length: 600 }, (_, i) => i));
    expect(new Set(ids).size).toBe(600);
  });

  it("stops at num_examples", async () => {
    const step = new LoadDataFromHub({ repoId: REPO, batchSize: 400, numExamples: 1_000, pipeline: null });
    const { rows } = await loadAll(step, hubContext(hub));
    expect(rows.map((r) => r.id)).toEqual(Array.from({ length: 1_000 }, (_, i) => i));
  });

  it("reads a config declared in the dataset card, and the default config the card marks", async () => {
    const repo = "distilflare-test/with-card";
    hub.addDataset(repo, {
      files: {
        "README.md": [
          "---",
          "configs:",
          "- config_name: small",
          "  default: true",
          "  data_files:",
          "  - split: train",
          "    path: small/train-*.parquet",
          "- config_name: big",
          "  data_files: big/*.parquet",
          "---",
          "# card",
        ].join("\n"),
        "small/train-00000-of-00001.parquet": writeParquet([{ word: "a" }, { word: "b" }]),
        "big/all.parquet": writeParquet([{ n: 1 }, { n: 2 }, { n: 3 }]),
      },
    });
    const small = new LoadDataFromHub({ repoId: repo, pipeline: null });
    await small.resolveColumns(hubContext(hub));
    expect(small.outputs).toEqual(["word"]);
    expect((await small.generate(0, hubContext(hub))).rows).toEqual([{ word: "a" }, { word: "b" }]);
    const big = new LoadDataFromHub({ repoId: repo, config: "big", pipeline: null });
    expect((await big.generate(0, hubContext(hub))).rows).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  });

  it("falls back to the Hub's Parquet conversion for datasets stored as CSV", async () => {
    const repo = "distilflare-test/csv-dataset";
    hub.addDataset(repo, {
      files: { "train.csv": "q,a\n1,2\n" },
      converted: { default: { train: [writeParquet([{ q: "1", a: "2" }]), writeParquet([{ q: "3", a: "4" }])] } },
    });
    const step = new LoadDataFromHub({ repoId: repo, pipeline: null });
    await step.resolveColumns(hubContext(hub));
    expect(step.outputs).toEqual(["q", "a"]);
    expect((await step.generate(0, hubContext(hub))).rows).toEqual([
      { q: "1", a: "2" },
      { q: "3", a: "4" },
    ]);
  });

  it("reads a private dataset with HF_TOKEN", async () => {
    const repo = "distilflare-test/private";
    hub.addDataset(repo, { private: true, files: { "data/train-00000-of-00001.parquet": writeParquet([{ secret: "yes" }]) } });
    const step = new LoadDataFromHub({ repoId: repo, pipeline: null });
    expect((await step.generate(0, hubContext(hub, { token: FAKE_HUB_READ_TOKEN }))).rows).toEqual([{ secret: "yes" }]);
    const anonymous = await failure(() => new LoadDataFromHub({ repoId: repo, pipeline: null }).resolveColumns(hubContext(hub)));
    expect(anonymous.message).toContain(`Dataset '${repo}' was not found on the Hub`);
    expect(anonymous.message).toContain("set the HF_TOKEN secret");
  });

  describe("failures name the repository and the cause", () => {
    it("missing repository", async () => {
      const error = await failure(() =>
        new LoadDataFromHub({ repoId: "nobody/nothing", name: "load", pipeline: null }).resolveColumns(hubContext(hub, { token: FAKE_HUB_READ_TOKEN })),
      );
      expect(error.code).toBe("invalid_runtime_parameter");
      expect(error.message).toBe(
        `Step 'load': Dataset 'nobody/nothing' was not found on the Hub at ${hub.url} (HTTP 404), or the HF_TOKEN cannot see it. Check repo_id.`,
      );
      expect(error.details).toMatchObject({ step: "load", parameter: "repo_id", repo_id: "nobody/nothing", reason: "repo_not_found", status: 404 });
    });

    it("missing split", async () => {
      const error = await failure(() => new LoadDataFromHub({ repoId: REPO, split: "test", name: "load", pipeline: null }).generate(0, hubContext(hub)));
      expect(error.code).toBe("invalid_runtime_parameter");
      expect(error.message).toBe(`Dataset '${REPO}' has no split 'test' in config 'default'; its splits are: train. Set split to one of them.`);
      expect(error.details).toMatchObject({ parameter: "split", reason: "split_not_found" });
    });

    it("missing config", async () => {
      const error = await failure(() => new LoadDataFromHub({ repoId: REPO, config: "nope", name: "load", pipeline: null }).resolveColumns(hubContext(hub)));
      expect(error.message).toBe(`Step 'load': Dataset '${REPO}' has no config 'nope'; its configs are: (none found). Set config to one of them.`);
      expect(error.details).toMatchObject({ parameter: "config", reason: "config_not_found" });
    });

    it("bad token", async () => {
      const error = await failure(() =>
        new LoadDataFromHub({ repoId: REPO, name: "load", pipeline: null }).resolveColumns(hubContext(hub, { token: "hf_revoked" })),
      );
      expect(error.code).toBe("remote_failed");
      expect(error.message).toBe(
        `Step 'load': The Hub rejected the token while reading the dataset info for dataset '${REPO}' (HTTP 401: Invalid credentials in Authorization header): the HF_TOKEN is invalid or expired.`,
      );
      expect(error.details).toMatchObject({ reason: "unauthorized", status: 401, repo_id: REPO });
    });

    it("gated dataset without access", async () => {
      hub.addDataset("distilflare-test/gated", { gated: true, files: { "data/train-00000-of-00001.parquet": writeParquet([{ a: 1 }]) } });
      const error = await failure(() =>
        new LoadDataFromHub({ repoId: "distilflare-test/gated", name: "load", pipeline: null }).resolveColumns(hubContext(hub, { token: FAKE_HUB_READ_TOKEN })),
      );
      expect(error.message).toContain("Dataset 'distilflare-test/gated' is gated (HTTP 403)");
      expect(error.details).toMatchObject({ reason: "forbidden" });
    });

    it("unreachable Hub", async () => {
      hub.unreachable = true;
      const error = await failure(() => new LoadDataFromHub({ repoId: REPO, name: "load", pipeline: null }).resolveColumns(hubContext(hub)));
      expect(error.code).toBe("remote_failed");
      expect(error.message).toMatch(
        new RegExp(`^Step 'load': Could not reach the Hub at ${hub.url} while reading the dataset info for dataset '${REPO}': fetch failed`),
      );
      expect(error.details).toMatchObject({ reason: "unreachable", repo_id: REPO });
    });

    it("a Hub that goes away in the middle of a load fails the batch with the same clear error", async () => {
      const step = new LoadDataFromHub({ repoId: REPO, name: "load", batchSize: 10, pipeline: null });
      const context = hubContext(hub);
      await step.generate(0, context);
      hub.unreachable = true;
      const error = await failure(() => step.generate(10, context));
      expect(error.message).toMatch(/^Could not reach the Hub at .* while reading bytes \d+-\d+ for dataset 'distilflare-test\/sharded'/);
    });

    it("an endpoint where nothing listens", async () => {
      const closed = await FakeHubServer.start();
      await closed.close();
      const error = await failure(() =>
        new LoadDataFromHub({ repoId: REPO, name: "load", pipeline: null }).resolveColumns(hubContext(hub, { endpoint: closed.url })),
      );
      expect(error.message).toMatch(
        /^Step 'load': Could not reach the Hub at http:\/\/127\.0\.0\.1:\d+ while reading the dataset info for dataset 'distilflare-test\/sharded': fetch failed \(.*ECONNREFUSED/,
      );
    });
  });

  it("reports repo_id as a required runtime parameter", () => {
    const step = new LoadDataFromHub({ pipeline: null });
    expect(step.missingRuntimeParameters()).toEqual(["repo_id"]);
    expect(step.runtimeParametersInfo().find((p) => p.name === "repo_id")).toMatchObject({ optional: false });
    expect(step.runtimeParametersInfo().find((p) => p.name === "split")).toMatchObject({ optional: true });
  });
});
