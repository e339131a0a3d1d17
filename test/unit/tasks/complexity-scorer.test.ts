import { describe, expect, it } from "vitest";
import { ComplexityScorer } from "../../../src/tasks/judges/complexity-scorer.js";
import { metadataOf, roundTrip, runStep, scripted } from "./harness.js";

const row = { instructions: ["Write a poem.", "Write a sonnet about the sea in iambic pentameter, rhyming ABAB."] };

describe("ComplexityScorer", () => {
  it("declares distilabel's columns", () => {
    const task = new ComplexityScorer({ llm: scripted() });
    expect(task.inputs).toEqual(["instructions"]);
    expect(task.getOutputs()).toEqual(["scores", "model_name", "distilabel_metadata"]);
  });

  it("renders every instruction numbered, with the expected reply format", () => {
    const prompt = new ComplexityScorer({ llm: scripted() }).renderPrompt(row);
    expect(prompt).toContain("[user]");
    expect(prompt).toContain("[1] Write a poem.");
    expect(prompt).toContain("[2] Write a sonnet about the sea");
    expect(prompt).toContain("[1] Score: <score>\n[2] Score: <score>");
    expect(prompt).toContain("from 1 (the simplest of the group) to 2");
  });

  it("parses a reply of score lines, with prose and markdown around them", () => {
    const task = new ComplexityScorer({ llm: scripted() });
    expect(task.formatOutput("[1] Score: 1\n[2] Score: 3", row)).toEqual({ scores: [1, 3] });
    expect(task.formatOutput("Here are my scores:\n\n**[1] Score: 2**\n- [2] **Score:** 4\n\nThe second one is harder.", row)).toEqual({ scores: [2, 4] });
  });

  it("parses a JSON reply, fenced or bare", () => {
    const task = new ComplexityScorer({ llm: scripted() });
    expect(task.formatOutput('```json\n{"scores": [1, 2]}\n```', row)).toEqual({ scores: [1, 2] });
    expect(task.formatOutput('{"scores": ["2", 3]}', row)).toEqual({ scores: [2, 3] });
  });

  it("gives null scores when the reply does not score each instruction exactly once", () => {
    const task = new ComplexityScorer({ llm: scripted() });
    expect(task.formatOutput("[1] Score: 2", row)).toEqual({ scores: [null, null] });
    expect(task.formatOutput("[1] Score: 2\n[1] Score: 3", row)).toEqual({ scores: [null, null] });
    expect(task.formatOutput("[1] Score: 2\n[3] Score: 3", row)).toEqual({ scores: [null, null] });
    expect(task.formatOutput('{"scores": [1, 2, 3]}', row)).toEqual({ scores: [null, null] });
    expect(task.formatOutput("I cannot rank these.", row)).toEqual({ scores: [null, null] });
    expect(task.formatOutput(null, row)).toEqual({ scores: [null, null] });
  });

  it("scores rows through an LLM, keeping the raw output and statistics", async () => {
    const task = new ComplexityScorer({ name: "scorer", llm: scripted("[1] Score: 1\n[2] Score: 2") });
    const [out] = await runStep(task, [row]);
    expect(out?.scores).toEqual([1, 2]);
    expect(out?.instructions).toEqual(row.instructions);
    expect(out?.model_name).toBe("scripted-model");
    expect(metadataOf(out).raw_output_scorer).toBe("[1] Score: 1\n[2] Score: 2");
    expect(metadataOf(out).statistics_scorer).toEqual({ input_tokens: expect.any(Number), output_tokens: 6 });
  });

  it("groups several generations per row when asked", async () => {
    const task = new ComplexityScorer({ llm: scripted("[1] Score: 1\n[2] Score: 2", "[1] Score: 2\n[2] Score: 2"), numGenerations: 2, groupGenerations: true });
    const out = await runStep(task, [row]);
    expect(out).toHaveLength(1);
    expect(out[0]?.scores).toEqual([
      [1, 2],
      [2, 2],
    ]);
  });

  it("sets its JSON schema on the LLM with use_default_structured_output", async () => {
    const llm = scripted('{"scores": [2, 1]}');
    const task = new ComplexityScorer({ llm, useDefaultStructuredOutput: true });
    const [out] = await runStep(task, [row]);
    expect(llm.structuredOutput?.schema).toMatchObject({ required: ["scores"], properties: { scores: { type: "array", items: { type: "integer" } } } });
    expect(out?.scores).toEqual([2, 1]);
  });

  it("fails the batch with the column named when instructions is not a list", async () => {
    const task = new ComplexityScorer({ llm: scripted() });
    await expect(runStep(task, [{ instructions: "just one" }])).rejects.toThrow(/input column 'instructions' must be a list, got string/);
  });

  it("round-trips through dump and load", () => {
    const task = new ComplexityScorer({ name: "complexity", llm: scripted("[1] Score: 1"), useDefaultStructuredOutput: true });
    const loaded = roundTrip(task);
    expect(loaded).toBeInstanceOf(ComplexityScorer);
    expect(loaded.dump()).toEqual(task.dump());
    expect(loaded.attrs.useDefaultStructuredOutput).toBe(true);
  });
});
