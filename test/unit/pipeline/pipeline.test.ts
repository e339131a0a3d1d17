import { describe, expect, it } from "vitest";
import { DagValidationError, OptionError, RuntimeParameterError } from "../../../src/errors.js";
import { chain } from "../../../src/pipeline/chain.js";
import { Pipeline } from "../../../src/pipeline/pipeline.js";
import { defineRoutingBatchFunction, sampleNSteps, sampleNStepsFactory } from "../../../src/pipeline/routing-batch-function.js";
import { seededRandom } from "../../../src/core/random.js";
import { GroupColumns } from "../../../src/steps/builtin/columns/group-columns.js";
import { LoadDataFromDicts } from "../../../src/steps/builtin/loaders/load-data-from-dicts.js";
import { defineStep } from "../../../src/steps/step-factory.js";
import { TextGeneration } from "../../../src/tasks/text-generation/text-generation.js";
import { ScriptedLLM } from "../../support/scripted-llm.js";

const data = [{ instruction: "Tell me a joke" }];

/** What `fn` throws (fails the test when it does not throw). */
function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

const UpperCase = defineStep({
  name: "UpperCase",
  inputs: ["text"],
  outputs: ["upper"],
  process: ([rows]) => (rows ?? []).map((r) => ({ ...r, upper: String(r.text).toUpperCase() })),
});

describe("step names", () => {
  it("infers `<snake_case type>_<n>` names, counting per pipeline", () => {
    const pipeline = new Pipeline({ name: "names" }).build(() => {
      new LoadDataFromDicts({ data });
      new TextGeneration({ llm: new ScriptedLLM() });
      new TextGeneration({ llm: new ScriptedLLM() });
      new UpperCase();
      new TextGeneration({ name: "custom", llm: new ScriptedLLM() });
      new TextGeneration({ llm: new ScriptedLLM() });
    });
    expect(pipeline.steps.map((s) => s.name)).toEqual([
      "load_data_from_dicts_0",
      "text_generation_0",
      "text_generation_1",
      "upper_case_0",
      "custom",
      "text_generation_2",
    ]);
  });

  it("names a step created outside any pipeline with index 0", () => {
    expect(new TextGeneration({ llm: new ScriptedLLM() }).name).toBe("text_generation_0");
    expect(new TextGeneration({ llm: new ScriptedLLM() }).pipeline).toBeUndefined();
  });

  it("rejects a second step with the same name", () => {
    const error = caught(() =>
      new Pipeline({ name: "dup" }).build(() => {
        new LoadDataFromDicts({ name: "load", data });
        new LoadDataFromDicts({ name: "load", data });
      }),
    );
    expect(error).toBeInstanceOf(DagValidationError);
    expect(error).toMatchObject({
      message: "A step named 'load' already exists in pipeline 'dup'; step names must be unique",
      details: { step: "load", field: "name" },
    });
  });

  it("rejects a step name with characters outside [a-zA-Z0-9_-]", () => {
    expect(() => new LoadDataFromDicts({ name: "load data", data })).toThrow(OptionError);
    expect(() => new LoadDataFromDicts({ name: "load data", data })).toThrow("invalid option 'name': a step name matches ^[a-zA-Z0-9_-]+$");
  });
});

describe("Pipeline", () => {
  it("names itself after its steps when no name is given", () => {
    const pipeline = new Pipeline().build(() => {
      new LoadDataFromDicts({ data }).connect(new TextGeneration({ llm: new ScriptedLLM() }));
    });
    expect(pipeline.name).toBe("pipeline_load_data_from_dicts_0_text_generation_0");
  });

  it("rejects an empty name", () => {
    const error = caught(() => new Pipeline({ name: " " }));
    expect(error).toBeInstanceOf(OptionError);
    expect(error).toMatchObject({ code: "invalid_option", message: "A pipeline name cannot be empty", details: { field: "name" } });
  });

  it("lists connections in distilabel's shape, leaves included", () => {
    const pipeline = new Pipeline({ name: "p" }).build(() => {
      const load = new LoadDataFromDicts({ name: "load", data });
      load.connect(new TextGeneration({ name: "a", llm: new ScriptedLLM() }), new TextGeneration({ name: "b", llm: new ScriptedLLM() }));
    });
    expect(pipeline.connections()).toEqual([
      { from: "load", to: ["a", "b"] },
      { from: "a", to: [] },
      { from: "b", to: [] },
    ]);
    expect(pipeline.edges).toEqual([
      ["load", "a"],
      ["load", "b"],
    ]);
  });

  it("refuses to connect steps of different pipelines or a step outside a pipeline", () => {
    let inOther: LoadDataFromDicts | undefined;
    new Pipeline({ name: "other" }).build(() => {
      inOther = new LoadDataFromDicts({ name: "elsewhere", data });
    });
    new Pipeline({ name: "p" }).build(() => {
      const load = new LoadDataFromDicts({ name: "load", data });
      expect(() => load.connect(inOther!)).toThrow("Step 'elsewhere' belongs to another pipeline than 'load'");
    });
    const loose = new LoadDataFromDicts({ name: "loose", data });
    expect(() => loose.connect(loose)).toThrow("Step 'loose' is not part of a pipeline, so it cannot be connected");
  });

  it("rejects the same connection twice and a second routing function on a step", () => {
    new Pipeline({ name: "p" }).build(() => {
      const load = new LoadDataFromDicts({ name: "load", data });
      const a = new TextGeneration({ name: "a", llm: new ScriptedLLM() });
      load.connect(a, { routingBatchFunction: sampleNSteps(1) });
      expect(() => load.connect(a)).toThrow("There is already a connection from 'load' to 'a'");
      const b = new TextGeneration({ name: "b", llm: new ScriptedLLM() });
      expect(() => load.connect(b, { routingBatchFunction: sampleNSteps(1) })).toThrow("Step 'load' already has a routing batch function");
    });
  });

  it("connects a dataset generator to every step without predecessors", () => {
    const pipeline = new Pipeline({ name: "p" }).build(() => {
      new TextGeneration({ name: "a", llm: new ScriptedLLM() });
      new TextGeneration({ name: "b", llm: new ScriptedLLM() });
    });
    expect(pipeline.stepsNeedingInput().map((s) => s.name)).toEqual(["a", "b"]);
    const loader = pipeline.attachDataset((host) => new LoadDataFromDicts({ data, pipeline: host }));
    expect(loader.name).toBe("load_data_from_dicts_0");
    expect(pipeline.edges).toEqual([
      ["load_data_from_dicts_0", "a"],
      ["load_data_from_dicts_0", "b"],
    ]);
  });
});

describe("chain", () => {
  it("reads like `load >> sample_two >> [t1, t2, t3] >> combine`", () => {
    const pipeline = new Pipeline({ name: "p" }).build(() => {
      const load = new LoadDataFromDicts({ name: "load", data });
      const tasks = ["t1", "t2", "t3"].map((name) => new TextGeneration({ name, llm: new ScriptedLLM() }));
      const combine = new GroupColumns({ name: "combine", columns: ["generation", "model_name"], outputColumns: ["generations", "model_names"] });
      chain(load, sampleNSteps(2), tasks, combine);
    });
    expect(pipeline.connections()).toEqual([
      { from: "load", to: ["t1", "t2", "t3"] },
      { from: "t1", to: ["combine"] },
      { from: "t2", to: ["combine"] },
      { from: "t3", to: ["combine"] },
      { from: "combine", to: [] },
    ]);
    const routing = pipeline.routingBatchFunctions();
    expect([...routing.keys()]).toEqual(["load"]);
    expect(routing.get("load")).toMatchObject({ typeName: "sample_n_steps", kwargs: { n: 2 } });
    expect(pipeline.dag().isConvergenceStep("combine")).toBe(true);
    expect(() => pipeline.validate()).not.toThrow();
  });

  it("rejects a routing function that does not follow a single step", () => {
    new Pipeline({ name: "p" }).build(() => {
      const a = new LoadDataFromDicts({ name: "a", data });
      const b = new LoadDataFromDicts({ name: "b", data });
      const c = new TextGeneration({ name: "c", llm: new ScriptedLLM() });
      const error = caught(() => chain([a, b], sampleNSteps(1), c));
      expect(error).toBeInstanceOf(OptionError);
      expect(error).toMatchObject({ message: "A routing batch function must follow a single step in a chain", details: { field: "chain[1]" } });
      expect(() => chain(a, sampleNSteps(1))).toThrow("A chain cannot end with a routing batch function");
      expect(() => chain(a, [])).toThrow("chain[1] must be a step or a non-empty list of steps");
    });
  });

  it("rejects a list chained to a list", () => {
    new Pipeline({ name: "p" }).build(() => {
      const a = new LoadDataFromDicts({ name: "a", data });
      const b = new LoadDataFromDicts({ name: "b", data });
      const c = new TextGeneration({ name: "c", llm: new ScriptedLLM() });
      const d = new TextGeneration({ name: "d", llm: new ScriptedLLM() });
      expect(() => chain([a, b], [c, d])).toThrow("A list of steps cannot be chained to another list of steps");
    });
  });
});

describe("routing batch functions", () => {
  it("sample_n_steps picks n distinct successors, the same ones for the same seed", () => {
    const fn = sampleNSteps(2);
    expect(fn).toMatchObject({ kind: "routing_batch_function", typeName: "sample_n_steps", kwargs: { n: 2 } });
    const steps = ["a", "b", "c", "d"];
    const pick = (seed: string) => fn.choose(steps, { step: "load", seqNo: 0, random: seededRandom(seed) });
    const first = pick("x");
    expect(first).toHaveLength(2);
    expect(new Set(first).size).toBe(2);
    expect(first.every((s) => steps.includes(s))).toBe(true);
    expect(pick("x")).toEqual(first);
  });

  it("rejects a sample_n_steps without a positive integer n", () => {
    expect(() => sampleNSteps(0)).toThrow("sample_n_steps: 'n' must be a positive integer, got 0");
    expect(() => sampleNStepsFactory({ n: "2" })).toThrow(`sample_n_steps: 'n' must be a positive integer, got "2"`);
  });

  it("builds user routing functions that carry their name and kwargs", () => {
    const byLength = defineRoutingBatchFunction("first_k", (kwargs) => (steps) => steps.slice(0, Number(kwargs.k)), "The first k successors.");
    const fn = byLength({ k: 2 });
    expect(byLength.typeName).toBe("first_k");
    expect(fn).toMatchObject({ typeName: "first_k", kwargs: { k: 2 }, description: "The first k successors." });
    expect(fn.choose(["a", "b", "c"], { step: "s", seqNo: 0, random: Math.random })).toEqual(["a", "b"]);
  });
});

describe("runtime parameters", () => {
  const build = () =>
    new Pipeline({ name: "p" }).build(() => {
      new LoadDataFromDicts({ name: "load", data }).connect(new TextGeneration({ name: "gen", llm: new ScriptedLLM() }));
    });

  it("applies distilabel's nesting, including the LLM's generation_kwargs", () => {
    const pipeline = build();
    pipeline.setRuntimeParameters({
      load: { batch_size: 7 },
      gen: { input_batch_size: 3, llm: { generation_kwargs: { temperature: 0.7, max_new_tokens: 512 } } },
    });
    const gen = pipeline.step("gen") as TextGeneration;
    expect(gen.inputBatchSize).toBe(3);
    expect(gen.llm.attrs.generationKwargs).toEqual({ temperature: 0.7, max_new_tokens: 512 });
    expect((pipeline.step("load") as LoadDataFromDicts).batchSize).toBe(7);
  });

  it("rejects parameters for a step that is not in the pipeline", () => {
    const error = caught(() => build().setRuntimeParameters({ nope: { batch_size: 1 } }));
    expect(error).toBeInstanceOf(RuntimeParameterError);
    expect(error).toMatchObject({
      code: "invalid_runtime_parameter",
      message: "Runtime parameters were given for step 'nope', which is not part of pipeline 'p'; steps are: load, gen",
      details: { step: "nope", parameter: "nope" },
    });
  });

  it("rejects unknown parameters and attributes that are not runtime parameters, naming the path", () => {
    const pipeline = build();
    expect(() => pipeline.setRuntimeParameters({ gen: { temperature: 1 } })).toThrow(
      /^Unknown runtime parameter 'gen.temperature' for Step 'gen'; runtime parameters are: /,
    );
    expect(() => pipeline.setRuntimeParameters({ gen: { template: "x" } })).toThrow(/^'gen.template' is not a runtime parameter of Step 'gen'/);
    expect(() => pipeline.setRuntimeParameters({ gen: { input_batch_size: 0 } })).toThrow(/^Runtime parameter 'gen.input_batch_size' of Step 'gen' is invalid/);
  });

  it("lists every step's runtime parameters, nested components included", () => {
    const info = build().runtimeParametersInfo() as Record<string, Array<{ name: string }>>;
    expect(info.load?.map((p) => p.name)).toEqual(["resources", "batch_size"]);
    const names = info.gen?.map((p) => p.name) ?? [];
    expect(names).toContain("input_batch_size");
    expect(names).toContain("llm");
    const llm = info.gen?.find((p) => p.name === "llm") as unknown as { runtime_parameters_info: Array<{ name: string }> };
    expect(llm.runtime_parameters_info.map((p) => p.name)).toContain("generation_kwargs");
  });
});

describe("signatures", () => {
  const build = (options: { temperature?: number; inputBatchSize?: number; name?: string; n?: number } = {}) =>
    new Pipeline({ name: options.name ?? "sig" }).build(() => {
      const load = new LoadDataFromDicts({ name: "load", data, batchSize: 4 });
      const tasks = ["t1", "t2"].map(
        (name) =>
          new TextGeneration({
            name,
            inputBatchSize: options.inputBatchSize ?? 2,
            llm: new ScriptedLLM({ generationKwargs: { temperature: options.temperature ?? 0.5 } }),
          }),
      );
      const combine = new GroupColumns({ name: "combine", columns: ["generation"], inputBatchSize: 2 });
      chain(load, sampleNSteps(options.n ?? 1), tasks, combine);
    });

  it("is stable for the same pipeline", () => {
    expect(build().cacheKey()).toBe(build().cacheKey());
    expect(build().signature()).toMatch(/^[0-9a-f]{40}$/);
  });

  it("changes the cache key when a runtime parameter that is part of the signature changes", () => {
    const base = build();
    const warmer = build({ temperature: 0.9 });
    expect(warmer.cacheKey()).not.toBe(base.cacheKey());
    expect(warmer.stepSignature("t1")).not.toBe(base.stepSignature("t1"));
    expect(warmer.stepSignature("load")).toBe(base.stepSignature("load"));
    const viaParameters = build();
    viaParameters.setRuntimeParameters({ t1: { llm: { generation_kwargs: { temperature: 0.9 } } } });
    expect(viaParameters.cacheKey()).not.toBe(base.cacheKey());
  });

  it("keeps the cache key when input_batch_size or resources change", () => {
    const base = build();
    expect(build({ inputBatchSize: 1 }).cacheKey()).toBe(base.cacheKey());
    const scaled = build();
    scaled.setRuntimeParameters({ t1: { resources: { replicas: 4 } } });
    expect(scaled.cacheKey()).toBe(base.cacheKey());
  });

  it("changes the pipeline signature with the name, the connections or the routing", () => {
    const base = build();
    expect(build({ n: 2 }).signature()).not.toBe(base.signature());
    expect(build({ name: "other" }).cacheKey()).not.toBe(base.cacheKey());
    const rewired = new Pipeline({ name: "sig" }).build(() => {
      const load = new LoadDataFromDicts({ name: "load", data, batchSize: 4 });
      const tasks = ["t1", "t2"].map(
        (name) => new TextGeneration({ name, inputBatchSize: 2, llm: new ScriptedLLM({ generationKwargs: { temperature: 0.5 } }) }),
      );
      const combine = new GroupColumns({ name: "combine", columns: ["generation"], inputBatchSize: 2 });
      chain(load, tasks, combine);
    });
    expect(rewired.signature()).not.toBe(base.signature());
  });
});
