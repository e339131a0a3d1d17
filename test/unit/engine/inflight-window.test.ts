import { describe, expect, it } from "vitest";
import { DEFAULT_MAX_INFLIGHT_PER_STEP } from "../../../src/engine/run-plan.js";
import { OpenAILLM } from "../../../src/llms/providers/openai-llm.js";
import { Pipeline } from "../../../src/pipeline/pipeline.js";
import { prepareRun } from "../../../src/runtime/prepare-run.js";
import { llmStepWindow } from "../../../src/runtime/inflight-window.js";
import { KeepColumns } from "../../../src/steps/builtin/columns/keep-columns.js";
import { LoadDataFromDicts } from "../../../src/steps/builtin/loaders/load-data-from-dicts.js";
import { testContext } from "../../support/test-context.js";
import { TextGeneration } from "../../../src/tasks/text-generation/text-generation.js";

describe("the in-flight window of an LLM step", () => {
  it("keeps twice the LLM's target calls in flight, never below the run's window", () => {
    const base = { inputBatchSize: 50, numGenerations: 1, maxInFlight: undefined, floor: 4 };
    expect(llmStepWindow({ ...base, maxConcurrentRequests: 64 })).toBe(4); // 2 x 64 calls / 50 per batch = 3 batches
    expect(llmStepWindow({ ...base, maxConcurrentRequests: 500 })).toBe(20); // 1,000 calls / 50 per batch
    expect(llmStepWindow({ ...base, maxConcurrentRequests: 10 })).toBe(13); // 128 calls / 10 per batch
    expect(llmStepWindow({ ...base, maxConcurrentRequests: 64, maxInFlight: 400 })).toBe(16); // 800 / 50
    expect(llmStepWindow({ ...base, numGenerations: 4, maxConcurrentRequests: 64, maxInFlight: 1_000 })).toBe(32); // 2,000 / 64
  });

  it("is written into the run plan for LLM steps only", async () => {
    const pipeline = new Pipeline({ name: "windows" }).build(() => {
      const load = new LoadDataFromDicts({ data: [{ instruction: "a" }] });
      const generate = new TextGeneration({
        name: "generate",
        llm: new OpenAILLM({ model: "m", apiKey: "test-key", maxConcurrentRequests: 1_000 }),
        inputBatchSize: 50,
      });
      const keep = new KeepColumns({ name: "keep", columns: ["instruction", "generation"] });
      load.connect(generate);
      generate.connect(keep);
    });
    const { plan } = await prepareRun(pipeline, {}, testContext(), "seed");
    expect(plan.steps.generate?.max_inflight).toBe(40);
    expect(plan.steps.keep?.max_inflight).toBe(DEFAULT_MAX_INFLIGHT_PER_STEP);
  });
});
