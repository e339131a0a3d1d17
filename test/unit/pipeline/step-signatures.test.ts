import { describe, expect, it } from "vitest";
import { OpenAILLM } from "../../../src/llms/providers/openai-llm.js";
import { chain } from "../../../src/pipeline/chain.js";
import { Pipeline } from "../../../src/pipeline/pipeline.js";
import { sampleNSteps } from "../../../src/pipeline/routing-batch-function.js";
import { KeepColumns } from "../../../src/steps/builtin/columns/keep-columns.js";
import { LoadDataFromDicts } from "../../../src/steps/builtin/loaders/load-data-from-dicts.js";
import { TextGeneration } from "../../../src/tasks/text-generation/text-generation.js";

interface Options {
  temperature?: number;
  judgeTemperature?: number;
  keep?: string[];
  inputBatchSize?: number;
  useCache?: boolean;
  maxRetries?: number;
  routed?: number;
}

/** load -> generate (LLM) -> judge (LLM) -> keep. */
function build(options: Options = {}): Pipeline {
  return new Pipeline({ name: "reuse" }).build(() => {
    const load = new LoadDataFromDicts({ name: "load", data: [{ instruction: "a" }, { instruction: "b" }], batchSize: 2 });
    const generate = new TextGeneration({
      name: "generate",
      inputBatchSize: options.inputBatchSize ?? 2,
      useCache: options.useCache ?? true,
      llm: new OpenAILLM({ model: "m", maxRetries: options.maxRetries ?? 6, generationKwargs: { temperature: options.temperature ?? 0 } }),
    });
    const judge = new TextGeneration({
      name: "judge",
      inputMappings: { instruction: "generation" },
      outputMappings: { generation: "verdict" },
      llm: new OpenAILLM({ model: "m", generationKwargs: { temperature: options.judgeTemperature ?? 0 } }),
    });
    const keep = new KeepColumns({ name: "keep", columns: options.keep ?? ["instruction", "verdict"] });
    if (options.routed) chain(load, sampleNSteps(options.routed), [generate], judge, keep);
    else chain(load, generate, judge, keep);
  });
}

const steps = ["load", "generate", "judge", "keep"] as const;

function changed(a: Pipeline, b: Pipeline): string[] {
  const before = a.stepSignatures();
  const after = b.stepSignatures();
  return steps.filter((s) => before[s] !== after[s]);
}

describe("step reuse signatures", () => {
  it("are stable and distinct per step", () => {
    const signatures = build().stepSignatures();
    expect(build().stepSignatures()).toEqual(signatures);
    expect(new Set(Object.values(signatures)).size).toBe(steps.length);
  });

  it("change for the changed step and every step downstream of it, and for no step upstream", () => {
    expect(changed(build(), build({ temperature: 0.7 }))).toEqual(["generate", "judge", "keep"]);
    expect(changed(build(), build({ judgeTemperature: 0.7 }))).toEqual(["judge", "keep"]);
    expect(changed(build(), build({ keep: ["verdict"] }))).toEqual(["keep"]);
  });

  it("change downstream of a routing batch function on the edges into them", () => {
    expect(changed(build(), build({ routed: 1 }))).toEqual(["generate", "judge", "keep"]);
  });

  it("do not change with operational attributes: batch sizes, retries, use_cache", () => {
    expect(changed(build(), build({ inputBatchSize: 7 }))).toEqual([]);
    expect(changed(build(), build({ maxRetries: 1 }))).toEqual([]);
    expect(changed(build(), build({ useCache: false }))).toEqual([]);
  });

  it("change with a runtime parameter set for the run", () => {
    const base = build();
    const warmer = build();
    warmer.setRuntimeParameters({ judge: { llm: { generation_kwargs: { temperature: 0.9 } } } });
    expect(changed(base, warmer)).toEqual(["judge", "keep"]);
  });
});
