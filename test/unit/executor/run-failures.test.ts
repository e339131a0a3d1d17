import { describe, expect, it } from "vitest";
import { DistilflareError } from "../../../src/errors.js";
import { RunNotSucceededError, runInProcess } from "../../../src/executor/in-process-executor.js";
import { MemoryRunCache } from "../../../src/executor/run-cache.js";
import { distisetManifestSchema } from "../../../src/distiset/manifest.js";
import { OpenAILLM } from "../../../src/llms/providers/openai-llm.js";
import { Pipeline } from "../../../src/pipeline/pipeline.js";
import { getJson, getText } from "../../../src/runtime/blob-store.js";
import { runKeys } from "../../../src/runtime/run-keys.js";
import { LoadDataFromDicts } from "../../../src/steps/builtin/loaders/load-data-from-dicts.js";
import { defineStep } from "../../../src/steps/step-factory.js";
import { TextGeneration } from "../../../src/tasks/text-generation/text-generation.js";

const noRetry = { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 };
const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ instruction: `row ${i}` }));

/** A step that counts its calls and throws on the rows `failing()` names. */
function counting(failing: () => Set<string>) {
  const calls = { process: 0, load: 0 };
  const Echo = defineStep({
    name: "Echo",
    inputs: ["instruction"],
    outputs: ["echo"],
    process: ([batch]) => {
      calls.process++;
      if ((batch ?? []).some((r) => failing().has(String(r.instruction)))) throw new Error("echo refused");
      return (batch ?? []).map((r) => ({ ...r, echo: String(r.instruction) }));
    },
  });
  return { Echo, calls };
}

describe("a step that cannot load", () => {
  it("fails the run before any batch with distilabel's wording, naming the step and the cause", async () => {
    const { Echo, calls } = counting(() => new Set());
    let generated = 0;
    class CountedLoad extends LoadDataFromDicts {
      override async generate(offset: number) {
        generated++;
        return super.generate(offset);
      }
    }
    const pipeline = new Pipeline({ name: "load-fails" }).build(() => {
      const echo = new Echo({ name: "echo", inputBatchSize: 2 });
      echo.load = async () => {
        calls.load++;
        throw new Error("the model file is missing");
      };
      new CountedLoad({ name: "load", data: rows(4), batchSize: 2 }).connect(echo);
    });
    const error = await runInProcess(pipeline, { cache: new MemoryRunCache(), retry: noRetry }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DistilflareError);
    expect((error as DistilflareError).code).toBe("step_load_failed");
    expect((error as DistilflareError).message).toBe("Failed to load all the steps: step 'echo': the model file is missing");
    expect([generated, calls.process]).toEqual([0, 0]);
  });

  it("fails the run before any batch when an LLM's secret is missing", async () => {
    const pipeline = new Pipeline({ name: "no-secret" }).build(() => {
      new LoadDataFromDicts({ name: "load", data: rows(2) }).connect(
        new TextGeneration({ name: "generate", llm: new OpenAILLM({ model: "gpt-4o-mini", baseUrl: "https://api.openai.com/v1" }) }),
      );
    });
    const error = await runInProcess(pipeline, { cache: new MemoryRunCache(), services: { secret: () => undefined } }).catch((e: unknown) => e);
    expect((error as DistilflareError).code).toBe("step_load_failed");
    expect((error as DistilflareError).message).toMatch(/^Failed to load all the steps: step 'generate': .*needs an API key: set the secret 'OPENAI_API_KEY'/);
    expect((error as DistilflareError).details).toEqual({ steps: [expect.objectContaining({ step: "generate", code: "invalid_option" })] });
  });

  it("fails the run, never imputing its rows, when a step's load fails once the run is under way", async () => {
    const { Echo, calls } = counting(() => new Set());
    const pipeline = new Pipeline({ name: "late-load-failure" }).build(() => {
      const echo = new Echo({ name: "echo", inputBatchSize: 2 });
      echo.load = async () => {
        // The up-front load passes; the one before the first batch does not.
        if (++calls.load > 1) throw new Error("the client could not be built");
      };
      new LoadDataFromDicts({ name: "load", data: rows(4), batchSize: 2 }).connect(echo);
    });
    const result = await runInProcess(pipeline, { cache: new MemoryRunCache(), retry: noRetry, partial: true });
    expect(result.state.status).toBe("failed");
    expect(result.state.error).toEqual({
      code: "step_load_failed",
      message: "Step 'echo': Failed to load all the steps: step 'echo': the client could not be built",
    });
    expect(calls.process).toBe(0);
    expect(result.state.steps.echo?.failed_rows).toBe(0);
  });
});

describe("a run with failed rows", () => {
  const failing = new Set(["row 2"]);
  const build = () => {
    const { Echo, calls } = counting(() => failing);
    const pipeline = new Pipeline({ name: "some-rows-fail" }).build(() => {
      new LoadDataFromDicts({ name: "load", data: rows(6), batchSize: 2 }).connect(new Echo({ name: "echo", inputBatchSize: 2 }));
    });
    return { pipeline, calls };
  };

  it("records the failed rows per step in its state and in the Distiset's manifest and card", async () => {
    failing.clear();
    failing.add("row 2");
    const { pipeline } = build();
    const result = await runInProcess(pipeline, { cache: new MemoryRunCache(), retry: noRetry });
    expect(result.state.status).toBe("succeeded");
    expect(result.state.steps.echo?.failed_rows).toBe(2);
    expect(result.state.steps.load?.failed_rows).toBe(0);
    expect(result.distiset.rows().map((r) => r.echo)).toEqual(["row 0", "row 1", null, null, "row 4", "row 5"]);
    const manifest = distisetManifestSchema.parse(await getJson(result.store, runKeys.manifest(result.runId)));
    expect(manifest.failed_rows).toEqual({ echo: 2 });
    const card = await getText(result.store, runKeys.card(result.runId));
    expect(card).toContain("## Failed rows");
    expect(card).toContain("| echo | 2 |");
  });

  it("is not served by the cache: the next run recomputes it, unless failed rows are accepted", async () => {
    failing.clear();
    failing.add("row 2");
    const cache = new MemoryRunCache();
    const first = build();
    await runInProcess(first.pipeline, { cache, retry: noRetry });
    const accepted = build();
    const served = await runInProcess(accepted.pipeline, { cache, retry: noRetry, acceptFailedRows: true });
    expect(served.fromCache).toBe(true);
    expect(accepted.calls.process).toBe(0);
    // The cause is gone (the secret was set, the service is back): the rows are computed again.
    failing.clear();
    const second = build();
    const rerun = await runInProcess(second.pipeline, { cache, retry: noRetry });
    expect(rerun.fromCache).toBe(false);
    expect(second.calls.process).toBe(3);
    expect(rerun.state.steps.echo?.failed_rows).toBe(0);
    expect(rerun.distiset.rows().map((r) => r.echo)).toEqual(["row 0", "row 1", "row 2", "row 3", "row 4", "row 5"]);
    // A clean run is served as before.
    const third = build();
    expect((await runInProcess(third.pipeline, { cache, retry: noRetry })).fromCache).toBe(true);
    expect(third.calls.process).toBe(0);
  });
});

describe("use_cache: false on a step", () => {
  it("recomputes that step (and what follows it) instead of serving the cached run", async () => {
    const cache = new MemoryRunCache();
    const run = async (useCache: boolean) => {
      const { Echo, calls } = counting(() => new Set());
      const pipeline = new Pipeline({ name: "step-opts-out" }).build(() => {
        const load = new LoadDataFromDicts({ name: "load", data: rows(4), batchSize: 2 });
        const echo = new Echo({ name: "echo", inputBatchSize: 2, useCache });
        const after = new Echo({ name: "after", inputBatchSize: 2, inputMappings: {}, outputMappings: { echo: "echo_again" } });
        load.connect(echo);
        echo.connect(after);
      });
      const result = await runInProcess(pipeline, { cache, retry: noRetry });
      return { result, calls };
    };
    await run(false);
    const again = await run(false);
    expect(again.result.fromCache).toBe(false);
    // Both steps ran again: `echo` and `after` each got their 2 batches.
    expect(again.calls.process).toBe(4);
    expect(again.result.distiset.rows()).toHaveLength(4);
  });

  it("leaves the cache serving runs whose steps all allow it", async () => {
    const cache = new MemoryRunCache();
    const { Echo, calls } = counting(() => new Set());
    const build = () =>
      new Pipeline({ name: "all-cached" }).build(() => {
        new LoadDataFromDicts({ name: "load", data: rows(4), batchSize: 2 }).connect(new Echo({ name: "echo", inputBatchSize: 2 }));
      });
    await runInProcess(build(), { cache });
    const served = await runInProcess(build(), { cache });
    expect(served.fromCache).toBe(true);
    expect(calls.process).toBe(2);
  });
});

describe("runInProcess on a run that does not succeed", () => {
  it("throws, and returns the partial Distiset (the files written so far) only when asked", async () => {
    const { Echo } = counting(() => new Set());
    const Source = defineStep({
      name: "Source",
      kind: "generator",
      outputs: ["instruction"],
      generate: (offset) => {
        if (offset >= 4) throw new Error("the source went away");
        return { rows: rows(6).slice(offset, offset + 2), lastBatch: false };
      },
    });
    const build = () =>
      new Pipeline({ name: "partial" }).build(() => {
        new Source({ name: "source", batchSize: 2 }).connect(new Echo({ name: "echo", inputBatchSize: 2 }));
      });
    const options = { retry: noRetry, concurrency: 1, maxRowsPerFile: 2 };
    const error = await runInProcess(build(), { ...options, cache: new MemoryRunCache() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunNotSucceededError);
    expect((error as RunNotSucceededError).code).toBe("internal");
    expect((error as RunNotSucceededError).result.state.error?.message).toBe("Step 'source': the source went away");
    const partial = await runInProcess(build(), { ...options, cache: new MemoryRunCache(), partial: true });
    expect(partial.state.status).toBe("failed");
    const echoed = partial.distiset.rows().map((r) => r.echo);
    expect(echoed.length).toBeGreaterThan(0);
    expect(echoed).toEqual(["row 0", "row 1", "row 2", "row 3"].slice(0, echoed.length));
  });
});
