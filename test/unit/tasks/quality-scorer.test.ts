import { describe, expect, it } from "vitest";
import { QualityScorer } from "../../../src/tasks/judges/quality-scorer.js";
import { metadataOf, roundTrip, runStep, scripted } from "./harness.js";

const row = { instruction: "What is 2 + 2?", responses: ["4", "Four: 2 + 2 = 4.", "a car"] };

describe("QualityScorer", () => {
  it("declares distilabel's columns", () => {
    const task = new QualityScorer({ llm: scripted() });
    expect(task.inputs).toEqual(["instruction", "responses"]);
    expect(task.getOutputs()).toEqual(["scores", "model_name", "distilabel_metadata"]);
  });

  it("renders the instruction and numbered responses", () => {
    const prompt = new QualityScorer({ llm: scripted() }).renderPrompt(row);
    expect(prompt).toContain("## Instruction\nWhat is 2 + 2?");
    expect(prompt).toContain("[2] Four: 2 + 2 = 4.");
    expect(prompt).toContain("[3] a car");
    expect(prompt).toContain("[3] Score: <score>");
    expect(prompt).toContain("to 3 (the strongest of the group)");
  });

  it("parses score lines and JSON replies", () => {
    const task = new QualityScorer({ llm: scripted() });
    expect(task.formatOutput("[1] Score: 2\n[2] Score: 3\n[3] Score: 1", row)).toEqual({ scores: [2, 3, 1] });
    expect(task.formatOutput('Scores below.\n```\n{"scores": [2, 3, 1]}\n```', row)).toEqual({ scores: [2, 3, 1] });
  });

  it("gives null scores for a reply with the wrong number of scores or none", () => {
    const task = new QualityScorer({ llm: scripted() });
    expect(task.formatOutput("[1] Score: 2\n[2] Score: 3", row)).toEqual({ scores: [null, null, null] });
    expect(task.formatOutput("They are all fine.", row)).toEqual({ scores: [null, null, null] });
  });

  it("scores rows through an LLM, one row per generation by default", async () => {
    const task = new QualityScorer({ name: "quality", llm: scripted("[1] Score: 2\n[2] Score: 3\n[3] Score: 1", "nonsense"), numGenerations: 2 });
    const out = await runStep(task, [row]);
    expect(out.map((r) => r.scores)).toEqual([
      [2, 3, 1],
      [null, null, null],
    ]);
    expect(metadataOf(out[1]).raw_output_quality).toBe("nonsense");
    expect(metadataOf(out[0]).raw_input_quality).toEqual([{ role: "user", content: expect.stringContaining("[1] 4") }]);
  });

  it("round-trips through dump and load", () => {
    const task = new QualityScorer({ name: "quality", llm: scripted() });
    expect(roundTrip(task).dump()).toEqual(task.dump());
  });
});
