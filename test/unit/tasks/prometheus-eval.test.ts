import { describe, expect, it } from "vitest";
import { OptionError } from "../../../src/errors.js";
import { PrometheusEval } from "../../../src/tasks/judges/prometheus-eval.js";
import { PROMETHEUS_DEFAULT_RUBRICS } from "../../../src/tasks/templates/prometheus-eval.js";
import { metadataOf, roundTrip, runStep, scripted } from "./harness.js";

const absoluteRow = { instruction: "Name the capital of France.", generation: "Paris.", reference: "The capital of France is Paris." };
const relativeRow = { instruction: "Name the capital of France.", generations: ["Paris.", "Lyon."], reference: "Paris" };
const custom = "[Is it polite?]\nScore 1: Rude.\nScore 2: Curt.\nScore 3: Neutral.\nScore 4: Polite.\nScore 5: Warm and polite.";

describe("PrometheusEval options", () => {
  it("ships the five default rubrics, each in the rubric shape", () => {
    expect(Object.keys(PROMETHEUS_DEFAULT_RUBRICS)).toEqual(["helpfulness", "harmlessness", "honesty", "factual-validity", "reasoning"]);
    for (const rubric of Object.keys(PROMETHEUS_DEFAULT_RUBRICS)) {
      expect(() => new PrometheusEval({ llm: scripted(), mode: "absolute", rubric })).not.toThrow();
    }
  });

  it("rejects a rubric that is not among the rubrics", () => {
    expect(() => new PrometheusEval({ llm: scripted(), mode: "absolute", rubric: "creativity" })).toThrow(
      /rubric 'creativity' is not among the available rubrics: helpfulness, harmlessness/,
    );
  });

  it("accepts custom rubrics in the rubric shape and rejects others", () => {
    const task = new PrometheusEval({ llm: scripted(), mode: "absolute", rubric: "polite", rubrics: { polite: custom } });
    expect(task.attrs.rubrics).toEqual({ polite: custom });
    const bad = () => new PrometheusEval({ llm: scripted(), mode: "absolute", rubric: "polite", rubrics: { polite: "Be polite." } });
    expect(bad).toThrow(OptionError);
    expect(bad).toThrow(/rubric 'polite' must look like/);
    expect(() => new PrometheusEval({ llm: scripted(), mode: "absolute", rubric: "x", rubrics: {} })).toThrow(/non-empty mapping/);
  });

  it("requires a mode", () => {
    expect(() => new PrometheusEval({ llm: scripted(), rubric: "honesty" } as never)).toThrow(/invalid option 'mode'/);
  });

  it("declares inputs by mode and reference", () => {
    expect(new PrometheusEval({ llm: scripted(), mode: "absolute", rubric: "honesty" }).inputs).toEqual(["instruction", "generation"]);
    expect(new PrometheusEval({ llm: scripted(), mode: "relative", rubric: "honesty", reference: true }).inputs).toEqual([
      "instruction",
      "generations",
      "reference",
    ]);
    expect(new PrometheusEval({ llm: scripted(), mode: "relative", rubric: "honesty" }).getOutputs()).toEqual([
      "feedback",
      "result",
      "model_name",
      "distilabel_metadata",
    ]);
  });
});

describe("PrometheusEval prompts", () => {
  it("renders an absolute prompt with the reference and the chosen rubric", () => {
    const prompt = new PrometheusEval({ llm: scripted(), mode: "absolute", rubric: "factual-validity", reference: true }).renderPrompt(absoluteRow);
    expect(prompt).toContain("[system]\nYou are an impartial judge.");
    expect(prompt).toContain("###Response to evaluate:\nParis.");
    expect(prompt).toContain("###Reference answer (score 5):\nThe capital of France is Paris.");
    expect(prompt).toContain(PROMETHEUS_DEFAULT_RUBRICS["factual-validity"]);
    expect(prompt).toContain("[RESULT] (an integer from 1 to 5)");
    expect(prompt.trimEnd().endsWith("###Feedback:")).toBe(true);
  });

  it("leaves the reference out when reference is false", () => {
    const prompt = new PrometheusEval({ llm: scripted(), mode: "absolute", rubric: "helpfulness" }).renderPrompt(absoluteRow);
    expect(prompt).not.toContain("Reference answer");
  });

  it("renders a relative prompt with responses A and B", () => {
    const prompt = new PrometheusEval({ llm: scripted(), mode: "relative", rubric: "polite", rubrics: { polite: custom }, reference: true }).renderPrompt(
      relativeRow,
    );
    expect(prompt).toContain("###Response A:\nParis.");
    expect(prompt).toContain("###Response B:\nLyon.");
    expect(prompt).toContain("###Reference answer:\nParis");
    expect(prompt).toContain("[Is it polite?]");
    expect(prompt).toContain("[RESULT] (A or B)");
  });

  it("fails the batch unless a relative row has exactly two string generations", async () => {
    const task = new PrometheusEval({ llm: scripted(), mode: "relative", rubric: "honesty" });
    await expect(runStep(task, [{ instruction: "x", generations: ["a", "b", "c"] }])).rejects.toThrow(
      /input column 'generations' must be a list of exactly 2 strings, got a list of 3/,
    );
    const absolute = new PrometheusEval({ llm: scripted(), mode: "absolute", rubric: "honesty" });
    await expect(runStep(absolute, [{ instruction: "x", generation: ["a"] }])).rejects.toThrow(/'generation' must be a string/);
  });
});

describe("PrometheusEval replies", () => {
  const absolute = new PrometheusEval({ llm: scripted(), mode: "absolute", rubric: "honesty" });
  const relative = new PrometheusEval({ llm: scripted(), mode: "relative", rubric: "honesty" });

  it("parses feedback and an absolute score", () => {
    expect(absolute.formatOutput("Feedback: Accurate and concise. [RESULT] 4", absoluteRow)).toEqual({ feedback: "Accurate and concise.", result: 4 });
    expect(absolute.formatOutput("**Feedback:** Good.\n\n[RESULT] **5**", absoluteRow)).toEqual({ feedback: "Good.", result: 5 });
    expect(absolute.formatOutput("Feedback: Meh. [RESULT] 3/5", absoluteRow)).toEqual({ feedback: "Meh.", result: 3 });
    expect(absolute.formatOutput("Feedback: The format asks for [RESULT] markers. [RESULT] (2)", absoluteRow)).toEqual({
      feedback: "The format asks for [RESULT] markers.",
      result: 2,
    });
  });

  it("rejects scores outside 1-5 and replies without [RESULT]", () => {
    expect(absolute.formatOutput("Feedback: Great. [RESULT] 6", absoluteRow)).toEqual({ feedback: null, result: null });
    expect(absolute.formatOutput("Feedback: Great. [RESULT] 4.5", absoluteRow)).toEqual({ feedback: null, result: null });
    expect(absolute.formatOutput("Feedback: Great. Score 5", absoluteRow)).toEqual({ feedback: null, result: null });
    expect(absolute.formatOutput(null, absoluteRow)).toEqual({ feedback: null, result: null });
  });

  it("parses a relative verdict", () => {
    expect(relative.formatOutput("Feedback: A is right, B is wrong. [RESULT] A", relativeRow)).toEqual({ feedback: "A is right, B is wrong.", result: "A" });
    expect(relative.formatOutput("Feedback: B wins. [RESULT] Response B", relativeRow)).toEqual({ feedback: "B wins.", result: "B" });
    expect(relative.formatOutput("Feedback: x [RESULT] C", relativeRow)).toEqual({ feedback: null, result: null });
    expect(relative.formatOutput("Feedback: x [RESULT] 4", relativeRow)).toEqual({ feedback: null, result: null });
  });

  it("parses a JSON verdict", () => {
    expect(absolute.formatOutput('```json\n{"feedback": "Fine.", "result": 3}\n```', absoluteRow)).toEqual({ feedback: "Fine.", result: 3 });
    expect(relative.formatOutput('{"feedback": "B.", "result": "B"}', relativeRow)).toEqual({ feedback: "B.", result: "B" });
  });
});

describe("PrometheusEval in a pipeline step", () => {
  it("judges rows through an LLM", async () => {
    const task = new PrometheusEval({ name: "judge", llm: scripted("Feedback: Correct. [RESULT] 5"), mode: "absolute", rubric: "factual-validity" });
    const [out] = await runStep(task, [absoluteRow]);
    expect(out).toMatchObject({ feedback: "Correct.", result: 5, model_name: "scripted-model" });
    expect(metadataOf(out).raw_input_judge).toEqual([
      { role: "system", content: expect.stringContaining("impartial judge") },
      { role: "user", content: expect.stringContaining("Paris.") },
    ]);
  });

  it("groups generations when asked", async () => {
    const task = new PrometheusEval({
      llm: scripted("Feedback: a [RESULT] A", "Feedback: b [RESULT] B"),
      mode: "relative",
      rubric: "honesty",
      numGenerations: 2,
      groupGenerations: true,
    });
    const [out] = await runStep(task, [relativeRow]);
    expect(out?.result).toEqual(["A", "B"]);
    expect(out?.feedback).toEqual(["a", "b"]);
  });

  it("round-trips through dump and load with custom rubrics", () => {
    const task = new PrometheusEval({ name: "judge", llm: scripted(), mode: "relative", rubric: "polite", rubrics: { polite: custom }, reference: true });
    const loaded = roundTrip(task);
    expect(loaded.dump()).toEqual(task.dump());
    expect(loaded.attrs.rubrics).toEqual({ polite: custom });
  });
});
