import { describe, expect, it } from "vitest";
import { z } from "zod";
import { runtimeParameter } from "../../../src/components/attributes.js";
import { DagValidationError } from "../../../src/errors.js";
import type { DagSpec, DagStep } from "../../../src/pipeline/dag.js";
import { Pipeline } from "../../../src/pipeline/pipeline.js";
import { validateDag } from "../../../src/pipeline/validate.js";
import { defineStep } from "../../../src/steps/step-factory.js";

type Kind = DagStep["kind"];

function step(name: string, kind: Kind, options: Partial<DagStep> = {}): DagStep {
  return {
    name,
    typeName: "Step",
    kind,
    inputs: {},
    outputs: [],
    inputMappings: {},
    outputMappings: {},
    inputBatchSize: kind === "generator" ? undefined : 50,
    batchSize: kind === "generator" ? 50 : undefined,
    acceptsMultipleInputs: false,
    missingRuntimeParameters: [],
    ...options,
  };
}

function spec(steps: DagStep[], edges: Array<[string, string]>, routing: DagSpec["routing"] = {}): DagSpec {
  return { steps, edges, routing };
}

/** The DagValidationError validateDag throws for `input`. */
function failure(input: DagSpec): DagValidationError {
  try {
    validateDag(input);
  } catch (error) {
    if (error instanceof DagValidationError) return error;
    throw error;
  }
  throw new Error("validateDag accepted the pipeline");
}

const sampleTwo = { typeName: "sample_n_steps", kwargs: { n: 2 } };

describe("validateDag", () => {
  it("accepts a valid pipeline", () => {
    expect(() =>
      validateDag(
        spec(
          [step("load", "generator", { outputs: ["instruction"] }), step("gen", "normal", { inputs: { instruction: true }, outputs: ["generation"] })],
          [["load", "gen"]],
        ),
      ),
    ).not.toThrow();
  });

  it("rejects an empty pipeline", () => {
    const error = failure(spec([], []));
    expect(error.message).toBe("The pipeline has no steps");
    expect(error.code).toBe("invalid_dag");
    expect(error.details).toMatchObject({ field: "steps" });
  });

  it("rejects two steps with the same name", () => {
    const error = failure(spec([step("a", "generator"), step("a", "generator")], []));
    expect(error.message).toBe("Two steps are named 'a'; step names must be unique in a pipeline");
    expect(error.details).toMatchObject({ step: "a", field: "name" });
  });

  it("requires root steps to be generators", () => {
    const error = failure(spec([step("load", "generator"), step("orphan", "normal")], []));
    expect(error.message).toBe("Step 'orphan' cannot be a root step because it is not a `GeneratorStep`. It should have a previous step in the pipeline.");
    expect(error.details).toMatchObject({ step: "orphan", field: "connections" });
  });

  it("rejects a generator step with predecessors", () => {
    const error = failure(spec([step("g1", "generator"), step("g2", "generator")], [["g1", "g2"]]));
    expect(error.message).toBe("Step 'g2' is a `GeneratorStep` and cannot receive inputs from ['g1'].");
    expect(error.details).toMatchObject({ step: "g2", field: "connections" });
  });

  it("rejects a cycle, naming its steps", () => {
    const error = failure(
      spec(
        [step("load", "generator"), step("a", "normal"), step("b", "normal")],
        [
          ["load", "a"],
          ["a", "b"],
          ["b", "a"],
        ],
      ),
    );
    expect(error.message).toBe("The pipeline contains a cycle between steps 'a', 'b'");
    expect(error.details).toMatchObject({ step: "a", field: "connections", steps: ["a", "b"] });
  });

  it("rejects a step connected to itself", () => {
    const error = failure(
      spec(
        [step("load", "generator"), step("a", "normal")],
        [
          ["load", "a"],
          ["a", "a"],
        ],
      ),
    );
    expect(error.message).toBe("Step 'a' cannot be connected to itself");
  });

  it("rejects a duplicate connection", () => {
    const error = failure(
      spec(
        [step("load", "generator"), step("a", "normal")],
        [
          ["load", "a"],
          ["load", "a"],
        ],
      ),
    );
    expect(error.message).toBe("There is already a connection from 'load' to 'a'");
  });

  it("rejects a connection to a step that is not in the pipeline", () => {
    const error = failure(spec([step("load", "generator"), step("a", "normal")], [["load", "nope"]]));
    expect(error.message).toBe("A connection names step 'nope', which is not part of the pipeline; steps are ['load', 'a']");
    expect(error.details).toMatchObject({ step: "nope", field: "connections", expected: "one of ['load', 'a']" });
  });

  it("rejects a missing required runtime parameter and shows the parameters to pass", () => {
    const error = failure(spec([step("load", "generator"), step("gen", "normal", { missingRuntimeParameters: ["llm.generation_kwargs"] })], [["load", "gen"]]));
    expect(error.message).toBe(
      `Step 'gen' is missing required runtime parameter 'llm.generation_kwargs'. Please, provide a value for it when running the pipeline: "parameters": {"gen":{"llm":{"generation_kwargs":"<value>"}}}`,
    );
    expect(error.details).toMatchObject({ step: "gen", field: "parameters.gen.llm.generation_kwargs" });
  });

  it("rejects input mapping keys that are not inputs of the step", () => {
    const error = failure(
      spec(
        [step("load", "generator", { outputs: ["text"] }), step("a", "normal", { inputs: { text: true }, inputMappings: { foo: "prompt" } })],
        [["load", "a"]],
      ),
    );
    expect(error.message).toBe(
      "The input columns 'foo' of the input mappings are not valid. Please provide input columns that are valid for the step 'a': ['text']",
    );
    expect(error.details).toMatchObject({ step: "a", field: "input_mappings.foo", expected: "one of ['text']" });
  });

  it("rejects output mapping keys that are not outputs of the step", () => {
    const error = failure(spec([step("load", "generator", { outputs: ["prompt"], outputMappings: { answer: "response" } })], []));
    expect(error.message).toBe(
      "The output columns 'answer' of the output mappings are not valid. Please provide output columns that are valid for the step 'load': ['prompt']",
    );
    expect(error.details).toMatchObject({ step: "load", field: "output_mappings.answer" });
  });

  it("rejects a step whose required inputs no ancestor produces, in distilabel's words", () => {
    const name = "text_generation_with_gpt-4-0125-preview";
    const error = failure(
      spec(
        [step("load_dataset", "generator", { outputs: ["prompt", "completion", "meta"] }), step(name, "normal", { inputs: { instruction: true } })],
        [["load_dataset", name]],
      ),
    );
    expect(error.message).toBe(
      `Step '${name}' requires inputs ['instruction'], but only the inputs=['prompt', 'completion', 'meta'] are available, which means that the inputs=['instruction'] are missing or not available when the step gets to be executed in the pipeline. Please make sure previous steps to '${name}' are generating the required inputs.`,
    );
    expect(error.details).toMatchObject({ step: name, field: "inputs", missing: ["instruction"], available: ["prompt", "completion", "meta"] });
  });

  it("accepts inputs produced by any ancestor and optional inputs nobody produces", () => {
    expect(() =>
      validateDag(
        spec(
          [
            step("load", "generator", { outputs: ["instruction"] }),
            step("gen", "normal", { inputs: { instruction: true }, outputs: ["generation"] }),
            step("judge", "normal", { inputs: { instruction: true, generation: true, system_prompt: false } }),
          ],
          [
            ["load", "gen"],
            ["gen", "judge"],
          ],
        ),
      ),
    ).not.toThrow();
  });

  it("rejects a step with several predecessors that takes a single input list", () => {
    const error = failure(
      spec(
        [step("g1", "generator"), step("g2", "generator"), step("join", "normal")],
        [
          ["g1", "join"],
          ["g2", "join"],
        ],
      ),
    );
    expect(error.message).toBe(
      "Step 'join' should receive the outputs of its 2 predecessors (['g1', 'g2']), but it processes a single input list. Declare it with multiple inputs or connect a single step to it.",
    );
  });

  it("rejects a routed step with several predecessors", () => {
    const error = failure(
      spec(
        [step("g1", "generator"), step("g2", "generator"), step("a", "normal", { acceptsMultipleInputs: true }), step("b", "normal")],
        [
          ["g1", "a"],
          ["g1", "b"],
          ["g2", "a"],
        ],
        { g1: sampleTwo },
      ),
    );
    expect(error.message).toBe("Step 'a' cannot have multiple predecessors when the batches of one are being routed with a `routing_batch_function`.");
    expect(error.details).toMatchObject({ step: "a", expected: "only 'g1' as predecessor" });
  });

  it("rejects a routed step whose input_batch_size is larger than the upstream batch size", () => {
    const error = failure(
      spec(
        [step("load", "generator", { batchSize: 4 }), step("a", "normal", { inputBatchSize: 8 }), step("b", "normal", { inputBatchSize: 2 })],
        [
          ["load", "a"],
          ["load", "b"],
        ],
        { load: sampleTwo },
      ),
    );
    expect(error.message).toBe(
      "Step 'a' should have an `input_batch_size` equal or lower than the `batch_size` or `input_batch_size` of 'load' step (8 > 4). This is because the batches are being routed with a `routing_batch_function` from 'load' step to 'a' step.",
    );
    expect(error.details).toMatchObject({ step: "a", field: "input_batch_size", expected: "at most 4" });
  });

  it("rejects a routed step whose input_batch_size does not divide the upstream batch size", () => {
    const error = failure(
      spec(
        [step("load", "generator", { batchSize: 10 }), step("a", "normal", { inputBatchSize: 4 }), step("b", "normal", { inputBatchSize: 5 })],
        [
          ["load", "a"],
          ["load", "b"],
        ],
        { load: sampleTwo },
      ),
    );
    expect(error.message).toBe(
      "Step 'a' should have an `input_batch_size` that divides the `batch_size` or `input_batch_size` of 'load' step (10 is not a multiple of 4). This is because the batches are being routed with a `routing_batch_function` from 'load' step to 'a' step.",
    );
    expect(error.details).toMatchObject({ field: "input_batch_size", expected: "a divisor of 10" });
  });

  it("rejects a convergence step whose predecessors are routed from different steps", () => {
    const error = failure(
      spec(
        [
          step("g1", "generator", { batchSize: 4 }),
          step("g2", "generator", { batchSize: 4 }),
          step("a1", "normal", { inputBatchSize: 2 }),
          step("a2", "normal", { inputBatchSize: 2 }),
          step("b1", "normal", { inputBatchSize: 2 }),
          step("b2", "normal", { inputBatchSize: 2 }),
          step("join", "normal", { inputBatchSize: 2, acceptsMultipleInputs: true }),
        ],
        [
          ["g1", "a1"],
          ["g1", "a2"],
          ["g2", "b1"],
          ["g2", "b2"],
          ["a1", "join"],
          ["b1", "join"],
        ],
        { g1: sampleTwo, g2: sampleTwo },
      ),
    );
    expect(error.message).toBe(
      "Step 'join' is a convergence step, but its predecessors ['a1', 'b1'] receive routed batches from different steps (['g1', 'g2']); they must all come from the same step.",
    );
  });

  it("rejects a convergence step whose input_batch_size is larger than a predecessor's", () => {
    const error = failure(
      spec(
        [
          step("load", "generator", { batchSize: 4 }),
          step("t1", "normal", { inputBatchSize: 2 }),
          step("t2", "normal", { inputBatchSize: 4 }),
          step("combine", "normal", { inputBatchSize: 3, acceptsMultipleInputs: true }),
        ],
        [
          ["load", "t1"],
          ["load", "t2"],
          ["t1", "combine"],
          ["t2", "combine"],
        ],
        { load: sampleTwo },
      ),
    );
    expect(error.message).toBe(
      "Step 'combine' should have an `input_batch_size` equal or lower than the `input_batch_size` of 't1' step (3 > 2), as it is a convergence step re-joining routed batches.",
    );
    expect(error.details).toMatchObject({ step: "combine", field: "input_batch_size", expected: "at most 2" });
  });

  it.each([
    ["input_batch_size", { inputBatchSize: 0 }, "normal" as const, "Step 'bad' has input_batch_size=0; it must be a positive integer"],
    ["input_batch_size", { inputBatchSize: 2.5 }, "normal" as const, "Step 'bad' has input_batch_size=2.5; it must be a positive integer"],
    ["batch_size", { batchSize: -1 }, "generator" as const, "Step 'bad' has batch_size=-1; it must be a positive integer"],
  ])("rejects a bad %s", (field, sizes, kind, message) => {
    const error = failure(spec([step("load", "generator"), step("bad", kind, sizes)], kind === "generator" ? [] : [["load", "bad"]]));
    expect(error.message).toBe(message);
    expect(error.details).toMatchObject({ step: "bad", field, expected: "a positive integer" });
  });

  it("rejects a routing function on a step that is not in the pipeline", () => {
    const error = failure(spec([step("load", "generator")], [], { ghost: sampleTwo }));
    expect(error.message).toBe("A routing batch function is set for step 'ghost', which is not part of the pipeline");
    expect(error.details).toMatchObject({ step: "ghost", field: "routing_batch_functions" });
  });

  it("rejects a routing function on a step without successors", () => {
    const error = failure(spec([step("load", "generator")], [], { load: sampleTwo }));
    expect(error.message).toBe("Step 'load' has a routing batch function but no downstream steps to route to");
  });
});

describe("Pipeline.validate with real steps", () => {
  const Loader = defineStep({
    name: "Loader",
    kind: "generator",
    outputs: ["prompt", "completion", "meta"],
    parameters: { repoId: runtimeParameter(z.string(), "The dataset to read.") },
    generate: () => ({ rows: [], lastBatch: true }),
  });
  const Generate = defineStep({ name: "Generate", inputs: ["instruction"], outputs: ["generation"], process: ([rows]) => rows ?? [] });

  it("fails on an unmapped column and passes once output_mappings renames it", () => {
    const unmapped = new Pipeline({ name: "p" }).build(() => {
      new Loader({ name: "load", repoId: "org/data" }).connect(new Generate({ name: "gen" }));
    });
    expect(() => unmapped.validate()).toThrow(
      "Step 'gen' requires inputs ['instruction'], but only the inputs=['prompt', 'completion', 'meta'] are available, which means that the inputs=['instruction'] are missing",
    );
    const mapped = new Pipeline({ name: "p" }).build(() => {
      new Loader({ name: "load", repoId: "org/data", outputMappings: { prompt: "instruction" } }).connect(new Generate({ name: "gen" }));
    });
    expect(() => mapped.validate()).not.toThrow();
  });

  it("accepts input_mappings that point a step's input at another column", () => {
    const pipeline = new Pipeline({ name: "p" }).build(() => {
      new Loader({ name: "load", repoId: "org/data" }).connect(new Generate({ name: "gen", inputMappings: { instruction: "prompt" } }));
    });
    expect(() => pipeline.validate()).not.toThrow();
  });

  it("rejects input_mappings keys that are not inputs of the step", () => {
    const pipeline = new Pipeline({ name: "p" }).build(() => {
      new Loader({ name: "load", repoId: "org/data" }).connect(new Generate({ name: "gen", inputMappings: { question: "prompt" } }));
    });
    expect(() => pipeline.validate()).toThrow(
      "The input columns 'question' of the input mappings are not valid. Please provide input columns that are valid for the step 'gen': ['instruction']",
    );
  });
});
