import { describe, expect, it } from "vitest";
import { createDefaultRegistry } from "../../../src/default-registry.js";
import { SerializationError, UnknownTypeError } from "../../../src/errors.js";
import { OpenAILLM } from "../../../src/llms/providers/openai-llm.js";
import { chain } from "../../../src/pipeline/chain.js";
import { Pipeline } from "../../../src/pipeline/pipeline.js";
import { defineRoutingBatchFunction, sampleNSteps } from "../../../src/pipeline/routing-batch-function.js";
import {
  dumpPipeline,
  loadPipeline,
  parsePipelineText,
  pipelineFromJson,
  pipelineFromYaml,
  pipelineToJson,
  pipelineToYaml,
} from "../../../src/pipeline/serialize.js";
import { GroupColumns } from "../../../src/steps/builtin/columns/group-columns.js";
import { LoadDataFromDicts } from "../../../src/steps/builtin/loaders/load-data-from-dicts.js";
import { TextGeneration } from "../../../src/tasks/text-generation/text-generation.js";
import { ScriptedLLM } from "../../support/scripted-llm.js";

const registry = () => createDefaultRegistry().register(ScriptedLLM);

/** The routing example of the seed: load >> sample_two >> [t1, t2, t3] >> combine. */
function routedPipeline(): Pipeline {
  return new Pipeline({ name: "pipe-name", description: "My first pipe" }).build(() => {
    const load = new LoadDataFromDicts({
      name: "load_dataset",
      data: [{ prompt: "Tell me a joke" }],
      batchSize: 10,
      outputMappings: { prompt: "instruction" },
    });
    const tasks = ["a", "b", "c"].map(
      (model) =>
        new TextGeneration({
          name: `text_generation_with_${model}`,
          inputBatchSize: 5,
          llm: new ScriptedLLM({ model, generationKwargs: { temperature: 0.7 } }),
        }),
    );
    const combine = new GroupColumns({
      name: "combine_generations",
      columns: ["generation", "model_name"],
      outputColumns: ["generations", "model_names"],
      inputBatchSize: 5,
    });
    chain(load, sampleNSteps(2), tasks, combine);
  });
}

/** Serialized data with distilabel's own spelling of a routing function entry and type modules. */
function distilabelStyle(): Record<string, unknown> {
  const dumped = dumpPipeline(routedPipeline()) as { pipeline: Record<string, unknown> };
  const steps = (dumped.pipeline.steps as Array<{ name: string; step: Record<string, unknown> }>).map((entry) => ({
    ...entry,
    step: { ...entry.step, type_info: { module: "distilabel.steps", name: (entry.step.type_info as { name: string }).name } },
  }));
  return {
    distilabel: { version: "1.5.3" },
    pipeline: {
      ...dumped.pipeline,
      steps,
      routing_batch_functions: [
        {
          step: "load_dataset",
          description: "Sample n steps",
          type_info: { module: "distilabel.pipeline.routing_batch_function", name: "sample_n_steps", kwargs: { n: 2 } },
        },
      ],
      type_info: { module: "distilabel.pipeline.local", name: "Pipeline" },
    },
  };
}

describe("dump and load", () => {
  it("dumps the wire format: snake_case steps with type_info, connections and routing functions", () => {
    const dumped = dumpPipeline(routedPipeline()) as { pipeline: Record<string, unknown> };
    expect(dumped.pipeline).toMatchObject({
      name: "pipe-name",
      description: "My first pipe",
      connections: [
        { from: "load_dataset", to: ["text_generation_with_a", "text_generation_with_b", "text_generation_with_c"] },
        { from: "text_generation_with_a", to: ["combine_generations"] },
        { from: "text_generation_with_b", to: ["combine_generations"] },
        { from: "text_generation_with_c", to: ["combine_generations"] },
        { from: "combine_generations", to: [] },
      ],
      routing_batch_functions: [
        {
          step: "load_dataset",
          description: "Sample n steps from the downstream steps at random for every batch.",
          routing_batch_function: { type_info: { name: "sample_n_steps" }, n: 2 },
        },
      ],
      type_info: { name: "Pipeline" },
    });
    const [load, first] = dumped.pipeline.steps as Array<{ name: string; step: Record<string, unknown> }>;
    expect(load).toMatchObject({
      name: "load_dataset",
      step: { name: "load_dataset", batch_size: 10, output_mappings: { prompt: "instruction" }, type_info: { name: "LoadDataFromDicts" } },
    });
    expect(first?.step).toMatchObject({
      input_batch_size: 5,
      llm: { model: "a", generation_kwargs: { temperature: 0.7 }, type_info: { name: "ScriptedLLM" } },
      type_info: { name: "TextGeneration" },
    });
  });

  it("gives the identical JSON after dump -> load -> dump", () => {
    const json = pipelineToJson(routedPipeline());
    const reloaded = pipelineFromJson(json, registry());
    expect(pipelineToJson(reloaded)).toBe(json);
    expect(reloaded.signature()).toBe(routedPipeline().signature());
    expect(reloaded.cacheKey()).toBe(routedPipeline().cacheKey());
  });

  it("gives the identical YAML after dump -> load -> dump", () => {
    const yaml = pipelineToYaml(routedPipeline());
    const reloaded = pipelineFromYaml(yaml, registry());
    expect(pipelineToYaml(reloaded)).toBe(yaml);
    expect(reloaded.validate().stages).toEqual([
      ["load_dataset", "text_generation_with_a", "text_generation_with_b", "text_generation_with_c", "combine_generations"],
    ]);
  });

  it("accepts distilabel's routing entries ({step, type_info: {name, kwargs}}) and ignores `module`", () => {
    const { pipeline } = loadPipeline(distilabelStyle(), registry());
    const fn = pipeline.routingBatchFunctions().get("load_dataset");
    expect(fn).toMatchObject({ typeName: "sample_n_steps", kwargs: { n: 2 } });
    expect(pipelineToJson(pipeline)).toBe(pipelineToJson(routedPipeline()));
  });

  it("loads a user routing function registered by name", () => {
    const firstOnly = defineRoutingBatchFunction("first_only", () => (steps) => steps.slice(0, 1));
    const data = distilabelStyle();
    (data.pipeline as { routing_batch_functions: unknown }).routing_batch_functions = [
      { step: "load_dataset", routing_batch_function: { type_info: { name: "first_only" } } },
    ];
    const { pipeline } = loadPipeline(data, registry().registerRouting(firstOnly));
    expect(pipeline.routingBatchFunctions().get("load_dataset")?.typeName).toBe("first_only");
  });

  it("returns the top-level runtime parameters of a YAML body", () => {
    const text = `${pipelineToYaml(routedPipeline())}parameters:\n  text_generation_with_a:\n    llm:\n      generation_kwargs:\n        temperature: 0.2\n`;
    const { parameters } = loadPipeline(parsePipelineText(text, "yaml"), registry());
    expect(parameters).toEqual({ text_generation_with_a: { llm: { generation_kwargs: { temperature: 0.2 } } } });
  });

  it("never dumps a secret", () => {
    const pipeline = new Pipeline({ name: "secret" }).build(() => {
      new LoadDataFromDicts({ name: "load", data: [{ instruction: "hi" }] }).connect(
        new TextGeneration({ name: "gen", llm: new OpenAILLM({ model: "gpt-4o-mini", apiKey: "sk-very-secret" }) }),
      );
    });
    const yaml = pipelineToYaml(pipeline);
    const json = pipelineToJson(pipeline);
    expect(yaml).not.toContain("sk-very-secret");
    expect(json).not.toContain("sk-very-secret");
    expect(json).not.toContain('"api_key"');
    expect(json).toContain('"api_key_env": "OPENAI_API_KEY"');
  });
});

describe("loading errors", () => {
  it("names the unknown type and lists the known ones", () => {
    const data = distilabelStyle();
    const steps = (data.pipeline as { steps: Array<{ step: Record<string, unknown> }> }).steps;
    steps[0]!.step.type_info = { name: "LoadDataFromNowhere" };
    let error: unknown;
    try {
      loadPipeline(data, registry());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnknownTypeError);
    const message = (error as Error).message;
    expect(message).toMatch(/^Unknown step type 'LoadDataFromNowhere'\. Known step types: /);
    expect(message).toContain("LoadDataFromDicts");
    expect(message).toContain("TextGeneration");
    expect(message).toContain("GroupColumns");
  });

  it("names an unknown routing function and lists the known ones", () => {
    const data = distilabelStyle();
    (data.pipeline as { routing_batch_functions: unknown }).routing_batch_functions = [{ step: "load_dataset", type_info: { name: "sample_k_steps" } }];
    expect(() => loadPipeline(data, registry())).toThrow(
      "Unknown routing batch function type 'sample_k_steps'. Known routing batch function types: sample_n_steps",
    );
  });

  it("rejects a document without pipeline steps", () => {
    expect(() => loadPipeline({ pipeline: { name: "p", steps: [] } }, registry())).toThrow(SerializationError);
    expect(() => loadPipeline({ pipeline: { name: "p" } }, registry())).toThrow(/^Invalid serialized pipeline at 'pipeline\.steps': /);
  });

  it("rejects a step entry whose name disagrees with its step", () => {
    const data = distilabelStyle();
    const steps = (data.pipeline as { steps: Array<{ name: string }> }).steps;
    steps[0]!.name = "loader";
    expect(() => loadPipeline(data, registry())).toThrow("pipeline.steps.0: the entry is named 'loader' but its step is named 'load_dataset'");
  });

  it("rejects a connection or a routing function naming an unknown step", () => {
    const bad = distilabelStyle();
    (bad.pipeline as { connections: unknown[] }).connections.push({ from: "load_dataset", to: ["ghost"] });
    expect(() => loadPipeline(bad, registry())).toThrow("pipeline.connections.5: Step 'ghost' is not part of pipeline 'pipe-name'");
    const routed = distilabelStyle();
    (routed.pipeline as { routing_batch_functions: unknown }).routing_batch_functions = [
      { step: "ghost", type_info: { name: "sample_n_steps", kwargs: { n: 1 } } },
    ];
    expect(() => loadPipeline(routed, registry())).toThrow("pipeline.routing_batch_functions.0: step 'ghost' is not part of the pipeline");
  });

  it("reports malformed YAML and JSON, and documents that are not objects", () => {
    expect(() => parsePipelineText("pipeline: [unclosed", "yaml")).toThrow(/^Malformed YAML: /);
    expect(() => parsePipelineText("{", "json")).toThrow(/^Malformed JSON: /);
    expect(() => parsePipelineText("- a\n- b\n", "yaml")).toThrow("The YAML document must be an object with a 'pipeline' key");
  });
});
