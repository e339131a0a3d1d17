import { describe, expect, it } from "vitest";
import { z } from "zod";
import { runtimeParameter } from "../../../src/components/attributes.js";
import { DagValidationError, OptionError, RuntimeParameterError } from "../../../src/errors.js";
import { Pipeline } from "../../../src/pipeline/pipeline.js";
import { LoadDataFromDicts } from "../../../src/steps/builtin/loaders/load-data-from-dicts.js";
import { defineStep } from "../../../src/steps/step-factory.js";

const Tag = defineStep({
  name: "Tag",
  inputs: ["text"],
  outputs: ["tag"],
  parameters: { label: runtimeParameter(z.string().min(1), "The tag to add (required).") },
  process: ([rows], { label }) => (rows ?? []).map((row) => ({ ...row, tag: label })),
});

function build(options: { label?: string } = {}): Pipeline {
  return new Pipeline({ name: "required-params" }).build(() => {
    const load = new LoadDataFromDicts({ name: "load", data: [{ text: "a" }] });
    load.connect(new Tag({ name: "tag", ...options }));
  });
}

describe("required runtime parameters", () => {
  it("may be left out at construction and are reported as missing by validation", () => {
    const pipeline = build();
    expect(pipeline.step("tag").missingRuntimeParameters()).toEqual(["label"]);
    expect(() => pipeline.validate()).toThrow(DagValidationError);
    expect(() => pipeline.validate()).toThrow(`Step 'tag' is missing required runtime parameter 'label'`);
  });

  it("are satisfied by the run's parameters", () => {
    const pipeline = build();
    pipeline.setRuntimeParameters({ tag: { label: "news" } });
    expect(pipeline.step("tag").missingRuntimeParameters()).toEqual([]);
    expect(() => pipeline.validate()).not.toThrow();
  });

  it("are still type-checked when given", () => {
    expect(() => build({ label: "" })).toThrow(OptionError);
    const pipeline = build();
    expect(() => pipeline.setRuntimeParameters({ tag: { label: 3 } })).toThrow(RuntimeParameterError);
  });

  it("list themselves as not optional in runtime_parameters_info", () => {
    const info = build().step("tag").runtimeParametersInfo();
    expect(info).toContainEqual({ name: "label", optional: false, description: "The tag to add (required)." });
    expect(info).toContainEqual(expect.objectContaining({ name: "input_batch_size", optional: true }));
  });
});
