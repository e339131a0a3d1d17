import { describe, expect, it } from "vitest";
import { createDefaultRegistry } from "../../../src/default-registry.js";
import { OpenAILLM } from "../../../src/llms/providers/openai-llm.js";
import { Pipeline } from "../../../src/pipeline/pipeline.js";
import { dumpPipeline } from "../../../src/pipeline/serialize.js";
import { LoadDataFromDicts } from "../../../src/steps/builtin/loaders/load-data-from-dicts.js";
import { TextGeneration } from "../../../src/tasks/text-generation/text-generation.js";
import { postJson, workerHarness } from "../../support/worker-harness.js";
import { refusal } from "./support.js";

const registry = createDefaultRegistry();
const harness = workerHarness({ registry }, { env: { ALLOW_UNAUTHENTICATED: "true" } });

function chat(options: { template?: string } = {}): Record<string, unknown> {
  const pipeline = new Pipeline({ name: "bounded" }).build(() => {
    new LoadDataFromDicts({ name: "load", data: [{ instruction: "hi" }] }).connect(
      new TextGeneration({
        name: "generate",
        llm: new OpenAILLM({ model: "m" }),
        ...(options.template ? { template: options.template, columns: ["instruction"] } : {}),
      }),
    );
  });
  return dumpPipeline(pipeline) as Record<string, unknown>;
}

async function validate(body: Record<string, unknown>) {
  return harness.request("/v1/pipelines/validate", postJson(body));
}

describe("every size a pipeline asks for is bounded", () => {
  it("refuses oversized runtime parameters with a 400 naming the parameter", async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ generate: { num_generations: 1_000_000 } }, /generate\.num_generations/],
      [{ generate: { input_batch_size: 10_000_000 } }, /generate\.input_batch_size/],
      [{ load: { batch_size: 10_000_000 } }, /load\.batch_size/],
      [{ generate: { resources: { replicas: 1_000_000 } } }, /generate\.resources/],
      [{ generate: { llm: { max_retries: 100_000 } } }, /generate\.llm\.max_retries/],
      [{ generate: { llm: { timeout: 86_400 } } }, /generate\.llm\.timeout/],
    ];
    for (const [parameters, field] of cases) {
      const error = await refusal(await validate({ pipeline: chat(), parameters }));
      expect(error.status, JSON.stringify(parameters)).toBe(400);
      expect(error.message).toMatch(field);
    }
  });

  it("refuses too many steps and overlong step names", async () => {
    const base = chat() as { pipeline: { steps: Array<{ name: string; step: Record<string, unknown> }>; connections: unknown[] } };
    const load = base.pipeline.steps[0]!;
    const many = {
      ...base,
      pipeline: { ...base.pipeline, steps: Array.from({ length: 300 }, (_, i) => ({ name: `s${i}`, step: { ...load.step, name: `s${i}` } })), connections: [] },
    };
    const tooMany = await refusal(await validate({ pipeline: many }));
    expect(tooMany.status).toBe(400);
    expect(tooMany.message).toMatch(/pipeline\.steps/);
    const long = "x".repeat(200);
    const named = { ...base, pipeline: { ...base.pipeline, steps: [{ name: long, step: { ...load.step, name: long } }], connections: [] } };
    const tooLong = await refusal(await validate({ pipeline: named }));
    expect(tooLong.status).toBe(400);
    expect(tooLong.message).toMatch(/name/);
  });

  it("refuses a YAML body whose aliases expand it many times over (413)", async () => {
    const chunk = "x".repeat(60_000);
    const yaml = `a: &a "${chunk}"\nb: [${Array.from({ length: 60 }, () => "*a").join(", ")}]\npipeline:\n  name: bomb\n`;
    const error = await refusal(await harness.request("/v1/runs", { method: "POST", headers: { "content-type": "application/yaml" }, body: yaml }));
    expect(error.status).toBe(413);
    expect(error.message).toMatch(/expands to \d+ bytes once its aliases are resolved/);
  });

  it("fails the row, not the Worker, when a template goes over its output or step budget", async () => {
    for (const [template, reason] of [
      ['{{ instruction }}{{ "a" * 200000000 }}', /Template over budget.*characters/],
      ["{{ instruction }}{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", /Template over budget.*step budget/],
      ["{% macro f(n) %}{{ f(n) }}{{ f(n) }}{% endmacro %}{{ instruction }}{{ f(1) }}", /recursed deeper|over budget/],
    ] as const) {
      const response = await validate({ pipeline: chat({ template }), sample_row: { instruction: "hi" } });
      expect(response.status, template).toBe(200);
      const body = (await response.json()) as { prompts: Record<string, { error?: string }> };
      expect(body.prompts.generate?.error, template).toMatch(reason);
    }
  });

  it("refuses a structured-output regex that could backtrack exponentially, or is too long", async () => {
    for (const [schema, reason] of [
      ["(a+)+$", /nested unbounded quantifiers/],
      ["(\\w*)*x", /nested unbounded quantifiers/],
      ["a".repeat(600), /at most 512/],
    ] as const) {
      const pipeline = chat() as { pipeline: { steps: Array<{ step: { llm?: Record<string, unknown> } }> } };
      pipeline.pipeline.steps[1]!.step.llm!.structured_output = { format: "regex", schema };
      const error = await refusal(await validate({ pipeline }));
      expect(error.status, schema).toBe(400);
      expect(error.message).toMatch(reason);
    }
  });
});
