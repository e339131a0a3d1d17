import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { localDatasetCard } from "../../../cli/distiset-download.js";
import { interruptChoiceOf } from "../../../cli/interrupt.js";
import { flattenRuntimeParameters } from "../../../cli/pipeline-info.js";
import { pipelineRequest, readPipelineSource } from "../../../cli/pipeline-source.js";
import { CliError } from "../../../cli/exit-codes.js";

describe("readPipelineSource", () => {
  const dir = mkdtempSync(join(tmpdir(), "distilflare-cli-"));

  it("reads a YAML file and keeps its parameters apart, merged under the command line's", () => {
    const path = join(dir, "p.yaml");
    writeFileSync(path, "pipeline:\n  name: p\n  steps: []\nparameters:\n  gen:\n    llm: { generation_kwargs: { temperature: 0.1, top_p: 0.5 } }\n");
    const source = readPipelineSource(path);
    expect(source).toMatchObject({ kind: "file", document: { pipeline: { name: "p" } } });
    expect(pipelineRequest(source, { gen: { llm: { generation_kwargs: { temperature: 0.9 } } } })).toEqual({
      pipeline: { pipeline: { name: "p", steps: [] } },
      parameters: { gen: { llm: { generation_kwargs: { temperature: 0.9, top_p: 0.5 } } } },
    });
  });

  it("treats anything that is not a .yaml/.json path as a registered pipeline's name", () => {
    expect(readPipelineSource("quickstart")).toEqual({ kind: "name", name: "quickstart" });
    expect(pipelineRequest({ kind: "name", name: "quickstart" }, {})).toEqual({ pipeline: "quickstart", parameters: undefined });
  });

  it("names the file's problem", () => {
    const bad = join(dir, "bad.json");
    writeFileSync(bad, "{ nope");
    const list = join(dir, "list.yaml");
    writeFileSync(list, "- a\n");
    expect(() => readPipelineSource(join(dir, "missing.yaml"))).toThrow(/does not exist/);
    expect(() => readPipelineSource(bad)).toThrow(/Cannot parse/);
    expect(() => readPipelineSource(list)).toThrow(CliError);
    expect(() => readPipelineSource(list)).toThrow(/'pipeline' key/);
  });
});

describe("localDatasetCard", () => {
  it("points every config at the {config}/train/*.parquet layout and keeps the body", () => {
    const card =
      "---\ntags:\n  - synthetic\nconfigs:\n  - config_name: default\n    data_files:\n      - split: train\n        path: distiset/default/train/*.parquet\n---\n\n# quickstart\n";
    const local = localDatasetCard(card, ["default", "ultrafeedback"]);
    const front = parseYaml(local.split("---\n")[1]!) as { tags: string[]; configs: Array<{ config_name: string; data_files: Array<{ path: string }> }> };
    expect(front.tags).toEqual(["synthetic"]);
    expect(front.configs.map((c) => [c.config_name, c.data_files[0]!.path])).toEqual([
      ["default", "default/train/*.parquet"],
      ["ultrafeedback", "ultrafeedback/train/*.parquet"],
    ]);
    expect(local.endsWith("\n# quickstart\n")).toBe(true);
  });
});

describe("flattenRuntimeParameters", () => {
  it("lists nested parameters as dotted paths, generation kwargs and component lists included", () => {
    expect(
      flattenRuntimeParameters([
        { name: "input_batch_size", optional: true, description: "rows per batch" },
        {
          name: "llm",
          runtime_parameters_info: [{ name: "generation_kwargs", optional: true, keys: [{ name: "temperature", optional: true, description: "t" }] }],
        },
        { name: "proposers", runtime_parameters_info: { "0": [{ name: "timeout", optional: true }] } },
      ]),
    ).toEqual([
      { path: "input_batch_size", optional: true, description: "rows per batch" },
      { path: "llm.generation_kwargs.temperature", optional: true, description: "t" },
      { path: "proposers.0.timeout", optional: true, description: "" },
    ]);
  });
});

describe("interruptChoiceOf", () => {
  it("maps the Ctrl+C prompt's key to a choice; a second Ctrl+C detaches", () => {
    expect(interruptChoiceOf("s")).toBe("stop");
    expect(interruptChoiceOf("D")).toBe("detach");
    expect(interruptChoiceOf("\u0003")).toBe("detach");
    expect(interruptChoiceOf("c")).toBe("continue");
    expect(interruptChoiceOf("\r")).toBe("continue");
  });
});
