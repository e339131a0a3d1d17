import { describe, expect, it } from "vitest";
import { createDefaultRegistry } from "../../src/default-registry.js";
import { Pipeline } from "../../src/pipeline/pipeline.js";
import { EmbeddingDedup } from "../../src/steps/builtin/filtering/embedding-dedup.js";
import { FaissNearestNeighbour } from "../../src/steps/builtin/filtering/faiss-nearest-neighbour.js";
import { LoadDataFromDicts } from "../../src/steps/builtin/loaders/load-data-from-dicts.js";
import { runThroughApi } from "../support/run-rows.js";
import { workerHarness } from "../support/worker-harness.js";

const harness = workerHarness({ registry: createDefaultRegistry(), pipelines: {} });

describe("embedding steps on Workers", () => {
  it("run LoadDataFromDicts >> FaissNearestNeighbour >> EmbeddingDedup through the HTTP API", async () => {
    const data = [
      { id: "a", embedding: [1, 0, 0] },
      { id: "b", embedding: [0, 1, 0] },
      { id: "a-near", embedding: [0.96, 0.28, 0] },
      { id: "c", embedding: [0, 0, 1] },
      { id: "b-copy", embedding: [0, 1, 0] },
      { id: "c-near", embedding: [0, 0.28, 0.96] },
      { id: "lonely", embedding: [0.6, 0, 0.8] },
    ];
    const pipeline = new Pipeline({ name: "wk-embedding-dedup" }).build(() => {
      const load = new LoadDataFromDicts({ name: "load", data, batchSize: 2 });
      const nn = new FaissNearestNeighbour({ name: "nn", metricType: 0, k: 2 });
      const dedup = new EmbeddingDedup({ name: "dedup", threshold: 0.95 });
      load.connect(nn);
      nn.connect(dedup);
    });
    const run = await runThroughApi(harness, pipeline);
    const rows = await run.rows("default");
    expect(rows.map((r) => r.id)).toEqual(data.map((d) => d.id));
    // b and b-copy tie at 1 and list b first (faiss's inner-product tie order drops b-copy as the
    // "self" hit); a-near and c-near tie at 0.28 for their second place: the first scanned stays
    expect(rows.map((r) => r.nn_indices)).toEqual([
      [2, 6],
      [1, 2],
      [0, 6],
      [5, 6],
      [1, 2],
      [3, 6],
      [3, 5],
    ]);
    expect(rows[1]?.nn_scores).toEqual([1, Math.fround(0.28)]);
    expect(rows.map((r) => r.keep_row_after_embedding_filtering)).toEqual([false, false, false, false, true, false, true]);
  });
});
