import { describe, expect, it } from "vitest";
import { SelfInstruct } from "../../../src/tasks/text-generation/self-instruct.js";
import { loggedContext, metaOf, roundTrip, runBatch, scripted } from "./generation-helpers.js";

const seed = { input: "Photosynthesis turns light into chemical energy in plants." };

describe("SelfInstruct", () => {
  it("asks for num_instructions requests for the application, grounded in the input", () => {
    const task = new SelfInstruct({ llm: scripted(), numInstructions: 3, applicationDescription: "a biology tutor" });
    const prompt = task.renderPrompt(seed);
    expect(prompt).toMatch(/^\[user\]\nYou are helping to build a dataset of requests that users send to this AI application: a biology tutor\./);
    expect(prompt).toContain("Write 3 new requests");
    expect(prompt).toContain("Context:\nPhotosynthesis turns light into chemical energy in plants.");
    expect(prompt).toContain("Reply with exactly 3 lines");
    expect(prompt).toContain("- Vary the verbs");
  });

  it("uses custom criteria in place of the default ones", () => {
    const prompt = new SelfInstruct({ llm: scripted(), criteriaForQueryGeneration: "Only ask about plants." }).renderPrompt(seed);
    expect(prompt).toContain("Follow these guidelines:\nOnly ask about plants.");
    expect(prompt).not.toContain("Vary the verbs");
  });

  it("reads one instruction per non-empty line, dropping list markers", () => {
    const task = new SelfInstruct({ llm: scripted() });
    expect(task.formatOutput("What is chlorophyll?\n\n2. Explain the Calvin cycle.\n- Why are leaves green?\n  * Compare C3 and C4 plants.  ")).toEqual({
      instructions: ["What is chlorophyll?", "Explain the Calvin cycle.", "Why are leaves green?", "Compare C3 and C4 plants."],
    });
  });

  it("keeps the raw reply and nulls the output when no line holds an instruction", async () => {
    const { context, logger } = loggedContext();
    const rows = await runBatch(new SelfInstruct({ llm: scripted("\n  \n"), name: "si" }), [seed], context);
    expect(rows[0]).toMatchObject({ instructions: null, model_name: "scripted-model" });
    expect(metaOf(rows[0]).raw_output_si).toBe("\n  \n");
    expect(logger.lines.join("\n")).toMatch(/failed to format output: the reply holds no instruction lines/);
  });

  it("generates lists of instructions, per generation or grouped", async () => {
    const rows = await runBatch(new SelfInstruct({ llm: scripted("a?\nb?", "c?"), numGenerations: 2 }), [seed]);
    expect(rows.map((r) => r.instructions)).toEqual([["a?", "b?"], ["c?"]]);
    const grouped = await runBatch(new SelfInstruct({ llm: scripted("a?\nb?", "c?"), numGenerations: 2, groupGenerations: true }), [seed]);
    expect(grouped.map((r) => r.instructions)).toEqual([[["a?", "b?"], ["c?"]]]);
  });

  it("round-trips through dump and the default registry", () => {
    const task = new SelfInstruct({ llm: scripted(), numInstructions: 7, applicationDescription: "a tutor" });
    const loaded = roundTrip(task);
    expect(loaded.dump()).toMatchObject({ num_instructions: 7, application_description: "a tutor" });
    expect(loaded.renderPrompt(seed)).toBe(task.renderPrompt(seed));
  });
});
