import { describe, expect, it } from "vitest";
import type { Row } from "../../../src/core/row.js";
import { createDefaultRegistry } from "../../../src/default-registry.js";
import { DistilflareError } from "../../../src/errors.js";
import { runInProcess } from "../../../src/executor/in-process-executor.js";
import { MemoryRunCache } from "../../../src/executor/run-cache.js";
import { Pipeline } from "../../../src/pipeline/pipeline.js";
import { pipelineFromYaml } from "../../../src/pipeline/serialize.js";
import type { BlobStore } from "../../../src/runtime/blob-store.js";
import { KeepColumns } from "../../../src/steps/builtin/columns/keep-columns.js";
import { LoadDataFromDicts } from "../../../src/steps/builtin/loaders/load-data-from-dicts.js";
import { LoadDataFromDistiset } from "../../../src/steps/builtin/loaders/load-data-from-distiset.js";
import { defineStep } from "../../../src/steps/step-factory.js";

const source: Row[] = Array.from({ length: 23 }, (_, i) => ({ id: i, word: `w${i}` }));

const Shout = defineStep({
  name: "Shout",
  inputs: ["word"],
  outputs: ["shout"],
  process: ([rows]) => (rows ?? []).map((r) => ({ ...r, shout: String(r.word).toUpperCase() })),
});

/** The first run of a chain: two leaves, so configs `keep_ids` and `keep_words`, several files each. */
async function firstRun(): Promise<{ store: BlobStore; runId: string }> {
  const pipeline = new Pipeline({ name: "chain-source" }).build(() => {
    const load = new LoadDataFromDicts({ name: "load", data: source, batchSize: 4 });
    load.connect(new KeepColumns({ name: "keep_words", columns: ["id", "word"], inputBatchSize: 4 }));
    load.connect(new KeepColumns({ name: "keep_ids", columns: ["id"], inputBatchSize: 4 }));
  });
  const result = await runInProcess(pipeline, { cache: new MemoryRunCache(), maxRowsPerFile: 8 });
  expect(result.state.status).toBe("succeeded");
  expect(result.distiset.manifest?.configs.keep_words?.splits.train?.files.length).toBeGreaterThan(1);
  return { store: result.store, runId: result.runId };
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

describe("LoadDataFromDistiset", () => {
  it("chains runs: a config of a finished run feeds the next pipeline batch by batch", async () => {
    const { store, runId } = await firstRun();
    const next = new Pipeline({ name: "chain-next" }).build(() => {
      const load = new LoadDataFromDistiset({ name: "previous", datasetPath: `runs/${runId}`, config: "keep_words", batchSize: 5 });
      load.connect(new Shout({ name: "shout", inputBatchSize: 3 }));
    });
    const result = await runInProcess(next, { cache: new MemoryRunCache(), services: { blobs: store } });
    expect(result.state.status).toBe("succeeded");
    expect(result.distiset.rows("default")).toEqual(source.map((r) => ({ ...r, shout: String(r.word).toUpperCase() })));
    expect(result.state.steps.previous?.batches_done).toBe(5);
  });

  it("is also distilabel's LoadDataFromDisk, by name in a serialized pipeline", async () => {
    const { store, runId } = await firstRun();
    const pipeline = pipelineFromYaml(
      [
        "pipeline:",
        "  name: from-disk",
        "  steps:",
        "    - name: load",
        "      step: { type_info: { name: LoadDataFromDisk, module: distilabel.steps.generators.huggingface }, name: load, dataset_path: " +
          `runs/${runId}` +
          ", config: keep_ids, is_distiset: true, keep_in_memory: null, storage_options: null, batch_size: 50 }",
        "  connections:",
        "    - { from: load, to: [] }",
      ].join("\n"),
      createDefaultRegistry(),
    );
    const result = await runInProcess(pipeline, { cache: new MemoryRunCache(), services: { blobs: store } });
    expect(result.state.status).toBe("succeeded");
    expect(result.distiset.rows("default")).toEqual(source.map((r) => ({ id: r.id })));
  });

  it("names a missing run, config or split", async () => {
    const { store, runId } = await firstRun();
    const run = (options: { datasetPath: string; config?: string; split?: string }) =>
      runInProcess(
        new Pipeline({ name: `chain-bad-${options.datasetPath}-${options.config ?? ""}-${options.split ?? ""}` }).build(() => {
          new LoadDataFromDistiset({ name: "previous", ...options });
        }),
        { cache: new MemoryRunCache(), services: { blobs: store } },
      );
    const missingRun = await failure(() => run({ datasetPath: "runs/nope" }));
    expect(missingRun.code).toBe("invalid_runtime_parameter");
    expect(missingRun.message).toBe(
      "Step 'previous': run 'nope' has no Distiset ('runs/nope/distiset.json' is missing); is dataset_path a run that succeeded?",
    );
    const missingConfig = await failure(() => run({ datasetPath: runId }));
    expect(missingConfig.message).toBe(`Step 'previous': the Distiset of run '${runId}' has no config 'default'; its configs are: keep_words, keep_ids`);
    const missingSplit = await failure(() => run({ datasetPath: `runs/${runId}/distiset.json`, config: "keep_ids", split: "test" }));
    expect(missingSplit.message).toBe(`Step 'previous': config 'keep_ids' of run '${runId}' has no split 'test'; its splits are: train`);
  });

  it("requires dataset_path at validation", async () => {
    const pipeline = new Pipeline({ name: "chain-missing" }).build(() => {
      new LoadDataFromDistiset({ name: "previous" });
    });
    const error = await failure(() => runInProcess(pipeline, { cache: new MemoryRunCache() }));
    expect(error.message).toBe(
      `Step 'previous' is missing required runtime parameter 'dataset_path'. Please, provide a value for it when running the pipeline: "parameters": {"previous":{"dataset_path":"<value>"}}`,
    );
  });
});
