import { describe, expect, it } from "vitest";
import { runInProcess } from "../../../src/executor/in-process-executor.js";
import { MemoryRunCache } from "../../../src/executor/run-cache.js";
import { Pipeline } from "../../../src/pipeline/pipeline.js";
import { LoadDataFromDicts } from "../../../src/steps/builtin/loaders/load-data-from-dicts.js";
import { defineStep } from "../../../src/steps/step-factory.js";
import { TextGeneration } from "../../../src/tasks/text-generation/text-generation.js";
import type { Row } from "../../../src/core/row.js";
import { MODELS, PROMPTS, SEED_PARAMETERS, quickstart, routedGuide, scripted, taskNames } from "./seed-pipelines.js";

const noRetry = { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 };
const run = (pipeline: Pipeline, options: Parameters<typeof runInProcess>[1] = {}) =>
  runInProcess(pipeline, { cache: new MemoryRunCache(), retry: noRetry, ...options });

describe("quickstart: LoadDataFromDicts (prompt -> instruction) >> TextGeneration", () => {
  it("produces one row per prompt, in order, with distilabel's columns and values", async () => {
    const result = await run(quickstart(), { parameters: SEED_PARAMETERS(["text_generation"]) });
    expect(result.state.status).toBe("succeeded");
    expect(result.fromCache).toBe(false);
    expect(result.distiset.keys()).toEqual(["default"]);
    const rows = result.distiset.rows("default");
    expect(rows).toEqual(PROMPTS.map((instruction) => ({ instruction, generation: `gpt-3.5-turbo says: ${instruction}`, model_name: "gpt-3.5-turbo" })));
    for (const row of rows) expect(Object.keys(row)).toEqual(["instruction", "generation", "model_name"]);
    expect(result.state.steps.text_generation).toMatchObject({ rows_in: 7, rows_out: 7, batches_done: 4, errors: 0 });
  });

  it("keeps distilabel_metadata (raw output, raw input, statistics) when metadata is enabled", async () => {
    const result = await run(quickstart({ enableMetadata: true }));
    const [first] = result.distiset.rows("default");
    expect(first).toEqual({
      instruction: "Tell me a joke",
      generation: "gpt-3.5-turbo says: Tell me a joke",
      distilabel_metadata: {
        raw_output_text_generation: "gpt-3.5-turbo says: Tell me a joke",
        raw_input_text_generation: [{ role: "user", content: "Tell me a joke" }],
        statistics_text_generation: { input_tokens: 4, output_tokens: 6 },
      },
      model_name: "gpt-3.5-turbo",
    });
  });

  it("gives the same rows when the state goes through JSON after every transition", async () => {
    const plain = await run(quickstart());
    const serialised = await run(quickstart(), { onTransition: (state) => JSON.parse(JSON.stringify(state)) as typeof state });
    expect(serialised.distiset.rows("default")).toEqual(plain.distiset.rows("default"));
  });
});

describe("the pipeline guide's routing example: sample_n_steps(2) into GroupColumns", () => {
  it("groups two generations per row, from two different tasks, in prompt order", async () => {
    const result = await run(routedGuide(), { parameters: SEED_PARAMETERS(taskNames()) });
    expect(result.state.status).toBe("succeeded");
    const rows = result.distiset.rows("default");
    expect(rows.map((r) => r.instruction)).toEqual(PROMPTS);
    for (const row of rows) {
      expect(Object.keys(row)).toEqual(["instruction", "generations", "model_names"]);
      const models = row.model_names as string[];
      expect(models).toHaveLength(2);
      expect(new Set(models).size).toBe(2);
      // Predecessor order: the tasks' definition order.
      expect([...models].sort((a, b) => MODELS.indexOf(a) - MODELS.indexOf(b))).toEqual(models);
      expect(row.generations).toEqual(models.map((m) => `${m} says: ${String(row.instruction)}`));
    }
    // Rows of one generator batch (2 prompts) went to the same two tasks.
    for (let i = 0; i + 1 < rows.length; i += 2) expect(rows[i + 1]?.model_names).toEqual(rows[i]?.model_names);
    const processed = taskNames().reduce((sum, name) => sum + (result.state.steps[name]?.rows_in ?? 0), 0);
    expect(processed).toBe(PROMPTS.length * 2);
  });

  it("routes the same way again for the same pipeline", async () => {
    const first = await run(routedGuide());
    const second = await run(routedGuide());
    expect(second.distiset.rows("default")).toEqual(first.distiset.rows("default"));
  });
});

describe("a global step creates a second load stage", () => {
  let globalCalls = 0;
  const CountAll = defineStep({
    name: "CountAll",
    kind: "global",
    inputs: ["generation"],
    outputs: ["total"],
    process: ([rows]) => {
      globalCalls++;
      return (rows ?? []).map((row) => ({ ...row, total: rows?.length ?? 0 }));
    },
  });

  it("runs the global step once, on every row, after the first stage", async () => {
    globalCalls = 0;
    const pipeline = new Pipeline({ name: "global" }).build(() => {
      const load = new LoadDataFromDicts({ name: "load", data: PROMPTS.map((instruction) => ({ instruction })), batchSize: 2 });
      const generate = new TextGeneration({ name: "generate", inputBatchSize: 3, llm: scripted("m") });
      load.connect(generate);
      generate.connect(new CountAll({ name: "count_all" }));
    });
    const result = await run(pipeline);
    expect(result.state.plan.stages).toEqual([["load", "generate"], ["count_all"]]);
    expect(result.state.stage.current).toBe(1);
    expect(globalCalls).toBe(1);
    expect(result.distiset.rows("default")).toEqual(
      PROMPTS.map((instruction) => ({ instruction, generation: `m says: ${instruction}`, model_name: "m", total: 7 })),
    );
  });
});

describe("two leaves", () => {
  it("produce two configs named after the leaf steps", async () => {
    const pipeline = new Pipeline({ name: "two-leaves" }).build(() => {
      const load = new LoadDataFromDicts({ name: "load", data: PROMPTS.map((instruction) => ({ instruction })), batchSize: 4 });
      load.connect(new TextGeneration({ name: "short", llm: scripted("a") }), new TextGeneration({ name: "long", llm: scripted("b") }));
    });
    const result = await run(pipeline);
    expect(result.distiset.keys().sort()).toEqual(["long", "short"]);
    const expected = (model: string): Row[] => PROMPTS.map((instruction) => ({ instruction, generation: `${model} says: ${instruction}`, model_name: model }));
    expect(result.distiset.rows("short")).toEqual(expected("a"));
    expect(result.distiset.rows("long")).toEqual(expected("b"));
    expect(result.distiset.rows("default")).toEqual([]);
    expect(result.distiset.manifest?.configs.short?.splits.train?.num_rows).toBe(7);
  });
});
