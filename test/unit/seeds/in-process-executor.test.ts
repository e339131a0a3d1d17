import { describe, expect, it } from "vitest";
import type { Row } from "../../../src/core/row.js";
import { RunNotSucceededError, runInProcess } from "../../../src/executor/in-process-executor.js";
import { MemoryRunCache } from "../../../src/executor/run-cache.js";
import { Pipeline } from "../../../src/pipeline/pipeline.js";
import { GroupColumns } from "../../../src/steps/builtin/columns/group-columns.js";
import { LoadDataFromDicts } from "../../../src/steps/builtin/loaders/load-data-from-dicts.js";
import { defineStep } from "../../../src/steps/step-factory.js";
import { TextGeneration } from "../../../src/tasks/text-generation/text-generation.js";
import { ScriptedLLM } from "../../support/scripted-llm.js";
import { PROMPTS, quickstart, scripted } from "./seed-pipelines.js";

const noRetry = { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 };
const instructions = () => PROMPTS.map((instruction) => ({ instruction }));

describe("failures", () => {
  it("passes the rows of a step that throws on with null outputs and records the error", async () => {
    const Shout = defineStep({
      name: "Shout",
      inputs: ["generation"],
      outputs: ["shout"],
      process: ([rows]) => {
        if ((rows ?? []).some((r) => r.instruction === "Name a colour")) throw new Error("cannot shout colours");
        return (rows ?? []).map((r) => ({ ...r, shout: String(r.generation).toUpperCase() }));
      },
    });
    const pipeline = new Pipeline({ name: "throws" }).build(() => {
      const load = new LoadDataFromDicts({ name: "load", data: instructions(), batchSize: 2 });
      const generate = new TextGeneration({ name: "generate", inputBatchSize: 2, llm: scripted("m") });
      const shout = new Shout({ name: "shout", inputBatchSize: 2 });
      const group = new GroupColumns({ name: "group", columns: ["shout"], inputBatchSize: 2 });
      load.connect(generate);
      generate.connect(shout);
      shout.connect(group);
    });
    const result = await runInProcess(pipeline, { cache: new MemoryRunCache(), retry: noRetry });
    expect(result.state.status).toBe("succeeded");
    const rows = result.distiset.rows("default");
    expect(rows.map((r) => r.instruction)).toEqual(PROMPTS);
    // Batch 1 of `shout` held "Name a colour" and "Count to three": both continue with null.
    expect(rows.map((r) => r.grouped_shout)).toEqual([
      ["M SAYS: TELL ME A JOKE"],
      ["M SAYS: WRITE A HAIKU"],
      [null],
      [null],
      ["M SAYS: SAY HELLO"],
      ["M SAYS: DESCRIBE RAIN"],
      ["M SAYS: PICK A NUMBER"],
    ]);
    expect(result.state.steps.shout?.errors).toBe(1);
    expect(result.state.errors).toEqual([expect.objectContaining({ step: "shout", seq_no: 1, code: "step_failed", message: "cannot shout colours" })]);
  });

  it("imputes null generations for a failed LLM call and counts the row error", async () => {
    const llm = new ScriptedLLM({ model: "m", failOn: "haiku" });
    const result = await runInProcess(quickstart({ llm }), { cache: new MemoryRunCache(), retry: noRetry });
    expect(result.state.status).toBe("succeeded");
    const rows = result.distiset.rows("default");
    expect(rows).toHaveLength(PROMPTS.length);
    expect(rows[1]).toEqual({ instruction: "Write a haiku", generation: null, model_name: "m" });
    expect(rows[0]?.generation).toBe("reply to: Tell me a joke");
    expect(result.state.errors.map((e) => [e.step, e.code])).toEqual([["text_generation", "llm_failed"]]);
  });

  it("stops the run with a clear error when a global step fails", async () => {
    const Explode = defineStep({
      name: "Explode",
      kind: "global",
      inputs: ["instruction"],
      process: () => {
        throw new Error("out of memory");
      },
    });
    const pipeline = new Pipeline({ name: "global-fails" }).build(() => {
      new LoadDataFromDicts({ name: "load", data: instructions(), batchSize: 3 }).connect(new Explode({ name: "explode" }));
    });
    const error = await runInProcess(pipeline, { cache: new MemoryRunCache(), retry: noRetry }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunNotSucceededError);
    expect((error as RunNotSucceededError).message).toMatch(/^Run 'cache-[0-9a-f]+' did not succeed \(status 'failed'\): Step 'explode': out of memory$/);
    const result = (error as RunNotSucceededError).result;
    expect(result.state.status).toBe("failed");
    expect(result.state.error).toEqual({ code: "internal", message: "Step 'explode': out of memory" });
    expect(result.state.failed_work.map((w) => w.id)).toEqual(["process:explode:0"]);
    // The partial Distiset: the leaf wrote no file before the global step failed.
    expect(result.distiset.rows("default")).toEqual([]);
  });

  it("stops the run with a clear error when a generator fails", async () => {
    const Broken = defineStep({
      name: "Broken",
      kind: "generator",
      outputs: ["instruction"],
      generate: (offset) => {
        if (offset > 0) throw new Error("the source went away");
        return { rows: [{ instruction: "first" }], lastBatch: false };
      },
    });
    let calls = 0;
    const Count = defineStep({
      name: "Count",
      inputs: ["instruction"],
      process: ([rows]) => {
        calls++;
        return rows ?? [];
      },
    });
    const pipeline = new Pipeline({ name: "generator-fails" }).build(() => {
      new Broken({ name: "source", batchSize: 1 }).connect(new Count({ name: "count", inputBatchSize: 1 }));
    });
    const result = await runInProcess(pipeline, { cache: new MemoryRunCache(), retry: noRetry, partial: true });
    expect(result.state.status).toBe("failed");
    expect(result.state.error).toEqual({ code: "internal", message: "Step 'source': the source went away" });
    expect(result.state.errors.at(-1)).toMatchObject({ step: "source", seq_no: 1 });
    expect(calls).toBe(1);
  });
});

describe("run options", () => {
  it("dryRun sends a single row through the DAG and leaves the cache alone", async () => {
    const cache = new MemoryRunCache();
    const pipeline = quickstart();
    const result = await runInProcess(pipeline, { cache, dryRun: true, retry: noRetry });
    expect(result.state.status).toBe("succeeded");
    expect(result.state.plan.dry_run).toBe(true);
    expect(result.state.steps.load_dataset?.batches_done).toBe(1);
    expect(result.distiset.rows("default")).toEqual([
      { instruction: "Tell me a joke", generation: "gpt-3.5-turbo says: Tell me a joke", model_name: "gpt-3.5-turbo" },
    ]);
    expect(result.runId).toMatch(/^run-/);
    expect(cache.get(pipeline.cacheKey())).toBeUndefined();
  });

  it("serves a finished run from the cache without calling any step", async () => {
    const cache = new MemoryRunCache();
    let calls = 0;
    const Tag = defineStep({
      name: "Tag",
      inputs: ["instruction"],
      outputs: ["tag"],
      process: ([rows]) => {
        calls++;
        return (rows ?? []).map((r) => ({ ...r, tag: "t" }));
      },
    });
    const build = () =>
      new Pipeline({ name: "cached" }).build(() => {
        new LoadDataFromDicts({ name: "load", data: instructions(), batchSize: 3 }).connect(new Tag({ name: "tag", inputBatchSize: 3 }));
      });
    const first = await runInProcess(build(), { cache });
    expect(first.fromCache).toBe(false);
    expect(calls).toBe(3);
    const second = await runInProcess(build(), { cache });
    expect(second.fromCache).toBe(true);
    expect(calls).toBe(3);
    expect(second.runId).toBe(first.runId);
    expect(second.distiset.rows("default")).toEqual(first.distiset.rows("default"));
    const fresh = await runInProcess(build(), { cache, useCache: false });
    expect(fresh.fromCache).toBe(false);
    expect(calls).toBe(6);
  });

  it("stops on an abort signal and resumes from the cache without computing a batch twice", async () => {
    const cache = new MemoryRunCache();
    const controller = new AbortController();
    const seen: string[] = [];
    const Tag = defineStep({
      name: "Tag",
      inputs: ["instruction"],
      outputs: ["tag"],
      process: ([rows]) => {
        seen.push(...(rows ?? []).map((r) => String(r.instruction)));
        if (seen.length >= 2) controller.abort();
        return (rows ?? []).map((r) => ({ ...r, tag: `#${String(r.instruction).length}` }));
      },
    });
    const build = () =>
      new Pipeline({ name: "stoppable" }).build(() => {
        new LoadDataFromDicts({ name: "load", data: instructions(), batchSize: 1 }).connect(new Tag({ name: "tag", inputBatchSize: 1 }));
      });
    const stopped = await runInProcess(build(), { cache, signal: controller.signal, concurrency: 1, partial: true });
    expect(stopped.state.status).toBe("stopped");
    // The partial Distiset holds only what was written before the stop (a prefix of the rows).
    expect(PROMPTS.slice(0, stopped.distiset.rows("default").length)).toEqual(stopped.distiset.rows("default").map((r) => r.instruction));
    const processedBeforeStop = seen.length;
    expect(processedBeforeStop).toBeLessThan(PROMPTS.length);
    const resumed = await runInProcess(build(), { cache });
    expect(resumed.state.status).toBe("succeeded");
    expect(resumed.runId).toBe(stopped.runId);
    expect(seen).toEqual(PROMPTS);
    expect(resumed.distiset.rows("default")).toEqual(PROMPTS.map((instruction) => ({ instruction, tag: `#${instruction.length}` })));
  });

  it("feeds the `dataset` option to steps that have no generator", async () => {
    const pipeline = new Pipeline({ name: "dataset" }).build(() => {
      new TextGeneration({ name: "generate", inputBatchSize: 2, llm: scripted("m") });
    });
    const rows: Row[] = instructions();
    const result = await runInProcess(pipeline, { cache: new MemoryRunCache(), dataset: rows, datasetBatchSize: 3 });
    expect(result.state.status).toBe("succeeded");
    expect(result.state.plan.order).toEqual(["load_data_from_dicts_0", "generate"]);
    expect(result.state.plan.steps.load_data_from_dicts_0?.batch_size).toBe(3);
    expect(result.distiset.rows("default")).toEqual(PROMPTS.map((instruction) => ({ instruction, generation: `m says: ${instruction}`, model_name: "m" })));
  });

  it("reuses the dataset loader when the same pipeline object runs again", async () => {
    const cache = new MemoryRunCache();
    const pipeline = new Pipeline({ name: "dataset-again" }).build(() => {
      new TextGeneration({ name: "generate", llm: scripted("m") });
    });
    const first = await runInProcess(pipeline, { cache, dataset: instructions() });
    const again = await runInProcess(pipeline, { cache, dataset: instructions() });
    expect(again.fromCache).toBe(true);
    expect(pipeline.steps.map((s) => s.name)).toEqual(["generate", "load_data_from_dicts_0"]);
    const other = await runInProcess(pipeline, { cache, dataset: [{ instruction: "Only this" }] });
    expect(other.fromCache).toBe(false);
    expect(other.distiset.keys()).toEqual(["default"]);
    expect(other.distiset.rows("default")).toEqual([{ instruction: "Only this", generation: "m says: Only this", model_name: "m" }]);
    expect(first.distiset.rows("default")).toHaveLength(PROMPTS.length);
  });

  it("rejects a dataset for a pipeline whose roots are all generators", async () => {
    await expect(runInProcess(quickstart(), { cache: new MemoryRunCache(), dataset: instructions() })).rejects.toThrow(
      "A `dataset` was given, but every root step of the pipeline is already a `GeneratorStep`; pass a `dataset` or create a `GeneratorStep` explicitly, not both",
    );
  });

  it("gives the same rows when finished work is applied out of order", async () => {
    const applied: string[][] = [];
    const reverse: NonNullable<Parameters<typeof runInProcess>[1]>["reorder"] = (ready) => {
      applied.push(ready.map((w) => w.id));
      return [...ready].reverse();
    };
    const build = () =>
      new Pipeline({ name: "reordered" }).build(() => {
        const load = new LoadDataFromDicts({ name: "load", data: instructions(), batchSize: 7 });
        load.connect(new TextGeneration({ name: "generate", inputBatchSize: 1, llm: scripted("m") }));
      });
    const inOrder = await runInProcess(build(), { cache: new MemoryRunCache() });
    const outOfOrder = await runInProcess(build(), { cache: new MemoryRunCache(), reorder: reverse });
    // All seven step batches ran together and were applied last first.
    expect(applied).toContainEqual(PROMPTS.map((_, i) => `process:generate:${i}`));
    expect(outOfOrder.state.status).toBe("succeeded");
    expect(outOfOrder.distiset.rows("default")).toEqual(inOrder.distiset.rows("default"));
    expect(outOfOrder.distiset.rows("default").map((r) => r.instruction)).toEqual(PROMPTS);
  });
});
