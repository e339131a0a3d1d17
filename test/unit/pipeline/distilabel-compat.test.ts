import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { createDefaultRegistry } from "../../../src/default-registry.js";
import { loadPipeline, parsePipelineText, dumpPipeline } from "../../../src/pipeline/serialize.js";
import type { TextGeneration } from "../../../src/tasks/text-generation/text-generation.js";
import { OpenAILLM } from "../../../src/llms/providers/openai-llm.js";

const fixture = readFileSync(resolve(import.meta.dirname, "../../fixtures/distilabel-1.5.3-quickstart.yaml"), "utf8");

describe("a pipeline.yaml dumped by distilabel 1.5.3", () => {
  it("loads as it is: modules ignored, runtime_parameters_info ignored, null options unset", () => {
    const { pipeline } = loadPipeline(parsePipelineText(fixture, "yaml"), createDefaultRegistry());
    expect(pipeline.name).toBe("simple-text-generation-pipeline");
    expect(pipeline.steps.map((s) => [s.name, s.typeName])).toEqual([
      ["load_dataset", "LoadDataFromHub"],
      ["text_generation", "TextGeneration"],
    ]);
    expect(pipeline.connections()).toEqual([
      { from: "load_dataset", to: ["text_generation"] },
      { from: "text_generation", to: [] },
    ]);
    const generate = pipeline.step("text_generation") as TextGeneration;
    expect(generate.llm).toBeInstanceOf(OpenAILLM);
    expect(generate.llm.generationKwargs).toEqual({ temperature: 0.7, max_new_tokens: 512 });
    expect(generate.attrs).toMatchObject({ template: "{{ instruction }}", columns: ["instruction"], inputBatchSize: 50, useSystemPrompt: true });
    expect(pipeline.step("load_dataset").outputMappings).toEqual({ prompt: "instruction" });
  });

  it("dumps back in the same shape and round-trips identically", () => {
    const registry = createDefaultRegistry();
    const { pipeline } = loadPipeline(parsePipelineText(fixture, "yaml"), registry);
    const dump = dumpPipeline(pipeline);
    const again = dumpPipeline(loadPipeline(JSON.parse(JSON.stringify(dump)), registry).pipeline);
    expect(again).toEqual(dump);
    const step = (dump.pipeline as { steps: Array<{ step: Record<string, unknown> }> }).steps[1]!.step;
    expect(step).toMatchObject({ name: "text_generation", input_batch_size: 50, use_system_prompt: true, type_info: { name: "TextGeneration" } });
    expect((step.llm as Record<string, unknown>).base_url).toBe("https://api.openai.com/v1");
  });

  it("honours use_system_prompt: false by sending no system message", () => {
    const registry = createDefaultRegistry();
    const { pipeline } = loadPipeline(
      parsePipelineText(
        fixture.replace("use_system_prompt: true", "use_system_prompt: false").replace("system_prompt: null", "system_prompt: Be brief."),
        "yaml",
      ),
      registry,
    );
    const generate = pipeline.step("text_generation") as TextGeneration;
    expect(generate.formatInput({ instruction: "hi", system_prompt: "row prompt" })).toEqual([{ role: "user", content: "hi" }]);
  });
});
