import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Row } from "../../../src/core/row.js";
import { writeParquet } from "../../../src/distiset/parquet/index.js";
import { DistilflareError } from "../../../src/errors.js";
import { MemoryBlobStore } from "../../../src/runtime/blob-store.js";
import { LoadDataFromFileSystem } from "../../../src/steps/builtin/loaders/load-data-from-file-system.js";
import { BufferLogger, defaultServices, type StepContext } from "../../../src/steps/step-context.js";
import { testContext } from "../../support/test-context.js";
import { FakeHubServer } from "../../support/fake-hub-server.js";

const rows: Row[] = Array.from({ length: 25 }, (_, i) => ({ id: i, text: `line ${i}`, score: i / 2 }));
const jsonl = (items: Row[]) => items.map((r) => JSON.stringify(r)).join("\n") + "\n";

/** A store that records the ranges read, to show where a load started. */
class CountingStore extends MemoryBlobStore {
  readonly reads: Array<{ key: string; offset: number; length: number }> = [];
  override async getRange(key: string, offset: number, length: number): Promise<Uint8Array | null> {
    this.reads.push({ key, offset, length });
    return super.getRange(key, offset, length);
  }
}

function context(blobs: MemoryBlobStore | undefined, runId = "fs-run"): StepContext {
  return testContext({ runId, logger: new BufferLogger(""), services: defaultServices({ blobs }) });
}

async function loadAll(step: LoadDataFromFileSystem, ctx: StepContext, from = 0): Promise<Row[]> {
  const out: Row[] = [];
  let offset = from;
  for (;;) {
    const batch = await step.generate(offset, ctx);
    out.push(...batch.rows);
    offset += batch.rows.length;
    if (batch.lastBatch) return out;
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

let hub: FakeHubServer;
beforeAll(async () => {
  hub = await FakeHubServer.start();
  hub.addDataset("web/files", { files: { "rows.jsonl": jsonl(rows), "rows.parquet": writeParquet(rows, undefined, { rowGroupSize: 5 }) } });
});
afterAll(async () => hub.close());

describe("LoadDataFromFileSystem from the run store", () => {
  it("reads Parquet files under a prefix, across files and batches", async () => {
    const store = new MemoryBlobStore();
    await store.put("exports/a/part-0.parquet", writeParquet(rows.slice(0, 10), undefined, { rowGroupSize: 4 }));
    await store.put("exports/a/part-1.parquet", writeParquet(rows.slice(10), undefined, { rowGroupSize: 4 }));
    await store.put("exports/a/_SUCCESS", "");
    const step = new LoadDataFromFileSystem({ dataFiles: "exports/a/", batchSize: 7, pipeline: null });
    await step.resolveColumns(context(store));
    expect(step.outputs).toEqual(["id", "text", "score"]);
    const batches: number[] = [];
    let offset = 0;
    for (;;) {
      const batch = await step.generate(offset, context(store));
      batches.push(batch.rows.length);
      offset += batch.rows.length;
      if (batch.lastBatch) break;
    }
    expect(batches).toEqual([7, 7, 7, 4]);
    expect(await loadAll(new LoadDataFromFileSystem({ dataFiles: "exports/a", batchSize: 7, pipeline: null }), context(store, "other"))).toEqual(rows);
  });

  it("reads JSON Lines matched by a glob, in key order, resuming from stored checkpoints", async () => {
    const store = new CountingStore();
    await store.put("runs/src/out/b.jsonl", jsonl(rows.slice(12)));
    await store.put("runs/src/out/a.jsonl", jsonl(rows.slice(0, 12)));
    await store.put("runs/src/out/notes.txt", "not data");
    const step = new LoadDataFromFileSystem({ dataFiles: "runs/*/out/*.jsonl", batchSize: 5, pipeline: null });
    await step.resolveColumns(context(store));
    expect(step.outputs).toEqual(["id", "text", "score"]);
    const first = await step.generate(0, context(store));
    const second = await step.generate(5, context(store));
    expect([...first.rows, ...second.rows]).toEqual(rows.slice(0, 10));

    // A resumed run (a fresh instance, as in another isolate) starts at the stored checkpoint.
    const resumed = new LoadDataFromFileSystem({ dataFiles: "runs/*/out/*.jsonl", batchSize: 5, pipeline: null });
    store.reads.length = 0;
    const rest = await loadAll(resumed, context(store), 10);
    expect(rest).toEqual(rows.slice(10));
    const firstRead = store.reads.find((r) => r.key.endsWith(".jsonl"));
    const bytesBefore = new TextEncoder().encode(jsonl(rows.slice(0, 10))).byteLength;
    expect(firstRead).toEqual({ key: "runs/src/out/a.jsonl", offset: bytesBefore, length: expect.any(Number) });
  });

  it("reaches an offset without a checkpoint by scanning from the start", async () => {
    const store = new MemoryBlobStore();
    await store.put("data.jsonl", jsonl(rows));
    const step = new LoadDataFromFileSystem({ dataFiles: "data.jsonl", batchSize: 10, pipeline: null });
    const ctx = context(store, "cold");
    expect((await step.generate(20, ctx)).rows).toEqual(rows.slice(20));
    expect((ctx.logger as BufferLogger).lines.some((l) => l.includes("No checkpoint for row 20"))).toBe(true);
  });

  it("reads a JSON array", async () => {
    const store = new MemoryBlobStore();
    await store.put("data/all.json", JSON.stringify(rows));
    const step = new LoadDataFromFileSystem({ dataFiles: "data/all.json", batchSize: 10, numExamples: 15, pipeline: null });
    await step.resolveColumns(context(store));
    expect(step.outputs).toEqual(["id", "text", "score"]);
    expect(await loadAll(step, context(store))).toEqual(rows.slice(0, 15));
  });

  it("reads CSV with quoted delimiters, quotes and newlines; values stay strings and empty fields are null", async () => {
    const store = new MemoryBlobStore();
    const csv = '\ufeffid,text,note\r\n1,"a, b","say ""hi"""\r\n2,"two\nlines",\r\n\r\n3,plain,""\r\n';
    await store.put("table.csv", csv);
    const step = new LoadDataFromFileSystem({ dataFiles: "table.csv", batchSize: 2, pipeline: null });
    await step.resolveColumns(context(store));
    expect(step.outputs).toEqual(["id", "text", "note"]);
    expect(await loadAll(step, context(store))).toEqual([
      { id: "1", text: "a, b", note: 'say "hi"' },
      { id: "2", text: "two\nlines", note: null },
      { id: "3", text: "plain", note: "" },
    ]);
  });

  it("fails clearly when nothing matches, a line is not JSON, or the type cannot be inferred", async () => {
    const store = new MemoryBlobStore();
    await store.put("bad.jsonl", '{"a": 1}\n{oops}\n');
    await store.put("data.bin", "x");
    const none = await failure(() => new LoadDataFromFileSystem({ name: "load", dataFiles: "missing/*.jsonl", pipeline: null }).resolveColumns(context(store)));
    expect(none.message).toBe("Step 'load': data_files 'missing/*.jsonl' matches no object in the run's object store");
    const bad = await failure(() => loadAll(new LoadDataFromFileSystem({ name: "load", dataFiles: "bad.jsonl", pipeline: null }), context(store)));
    expect(bad.message).toMatch(/^JSON Lines file 'bad\.jsonl': the line at byte 9 is not valid JSON/);
    const unknown = await failure(() => new LoadDataFromFileSystem({ name: "load", dataFiles: "data.bin", pipeline: null }).resolveColumns(context(store)));
    expect(unknown.message).toBe("Step 'load': cannot infer the file type of 'data.bin'; set filetype to one of parquet, jsonl, json, csv");
  });
});

describe("LoadDataFromFileSystem from a URL", () => {
  it("streams JSON Lines over HTTP", async () => {
    const url = `${hub.url}/datasets/web/files/resolve/main/rows.jsonl`;
    const step = new LoadDataFromFileSystem({ dataFiles: url, batchSize: 10, pipeline: null });
    await step.resolveColumns(context(new MemoryBlobStore()));
    expect(step.outputs).toEqual(["id", "text", "score"]);
    expect(await loadAll(step, context(new MemoryBlobStore()))).toEqual(rows);
  });

  it("reads Parquet over HTTP with range requests", async () => {
    const url = `${hub.url}/datasets/web/files/resolve/main/rows.parquet`;
    const step = new LoadDataFromFileSystem({ dataFiles: url, batchSize: 5, pipeline: null });
    const before = hub.requests.length;
    const batch = await step.generate(10, context(new MemoryBlobStore()));
    expect(batch.rows).toEqual(rows.slice(10, 15));
    const ranged = hub.requests.slice(before).filter((r) => r.path.startsWith("/cdn/"));
    expect(ranged.length).toBeGreaterThan(0);
    expect(ranged.every((r) => r.status === 206)).toBe(true);
  });

  it("names the URL when it cannot be fetched", async () => {
    const url = `${hub.url}/datasets/web/files/resolve/main/missing.jsonl`;
    const error = await failure(() => new LoadDataFromFileSystem({ dataFiles: url, pipeline: null }).resolveColumns(context(undefined)));
    expect(error.message).toMatch(new RegExp(`^'${url.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}' answered HTTP 404 while reading its size`));
  });
});
