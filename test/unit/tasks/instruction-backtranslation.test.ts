import { describe, expect, it } from "vitest";
import { InstructionBacktranslation } from "../../../src/tasks/judges/instruction-backtranslation.js";
import { metadataOf, roundTrip, runStep, scripted } from "./harness.js";

const row = { instruction: "How much is 2+2?", generation: "2 + 2 equals 4." };

describe("InstructionBacktranslation", () => {
  it("declares distilabel's columns", () => {
    const task = new InstructionBacktranslation({ llm: scripted() });
    expect(task.inputs).toEqual({ instruction: true, generation: true, system_prompt: false });
    expect(task.getOutputs()).toEqual(["score", "reason", "model_name", "distilabel_metadata"]);
  });

  it("renders the 5-point scale, the instruction and the answer", () => {
    const prompt = new InstructionBacktranslation({ llm: scripted() }).renderPrompt(row);
    expect(prompt).toContain("[user]");
    expect(prompt).not.toContain("[system]");
    expect(prompt).toContain("5: The answer is an ideal AI assistant's reply");
    expect(prompt).toContain('write "Score: <rating>" on the last line');
    expect(prompt).toContain("## Instruction\nHow much is 2+2?");
    expect(prompt).toContain("## Answer\n2 + 2 equals 4.");
  });

  it("sends the system prompt of the task, or of the row when it has one", () => {
    const task = new InstructionBacktranslation({ llm: scripted(), systemPrompt: "You curate data." });
    expect(task.formatInput(row)[0]).toEqual({ role: "system", content: "You curate data." });
    expect(task.formatInput({ ...row, system_prompt: "Row prompt." })[0]).toEqual({ role: "system", content: "Row prompt." });
  });

  it("parses the reason and the score on the last line", () => {
    const task = new InstructionBacktranslation({ llm: scripted() });
    expect(task.formatOutput("The answer is correct and direct, written as an assistant.\nScore: 4", row)).toEqual({
      score: 4,
      reason: "The answer is correct and direct, written as an assistant.",
    });
    expect(task.formatOutput("Reasoning: Complete and focused.\n\n**Score:** 5", row)).toEqual({ score: 5, reason: "Complete and focused." });
    expect(task.formatOutput("A score: 2 would be harsh; it is fine.\nScore: 3/5", row)).toEqual({
      score: 3,
      reason: "A score: 2 would be harsh; it is fine.",
    });
  });

  it("parses a JSON reply", () => {
    const task = new InstructionBacktranslation({ llm: scripted() });
    expect(task.formatOutput('{"reason": "Good.", "score": "4"}', row)).toEqual({ score: 4, reason: "Good." });
  });

  it("gives nulls without a score from 1 to 5", () => {
    const task = new InstructionBacktranslation({ llm: scripted() });
    expect(task.formatOutput("Looks good to me.", row)).toEqual({ score: null, reason: null });
    expect(task.formatOutput("Too good.\nScore: 9", row)).toEqual({ score: null, reason: null });
    expect(task.formatOutput(null, row)).toEqual({ score: null, reason: null });
  });

  it("scores rows through an LLM, keeping the raw output of unreadable replies", async () => {
    const task = new InstructionBacktranslation({ name: "curate", llm: scripted("Fine.\nScore: 4", "no idea"), numGenerations: 2 });
    const out = await runStep(task, [row]);
    expect(out.map((r) => r.score)).toEqual([4, null]);
    expect(metadataOf(out[1]).raw_output_curate).toBe("no idea");
  });

  it("round-trips through dump and load", () => {
    const task = new InstructionBacktranslation({ name: "curate", llm: scripted(), systemPrompt: "You curate data." });
    const loaded = roundTrip(task);
    expect(loaded.dump()).toEqual(task.dump());
    expect(loaded.attrs.systemPrompt).toBe("You curate data.");
  });
});
