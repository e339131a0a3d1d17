import { describe, expect, it } from "vitest";
import { OptionError } from "../../../src/errors.js";
import { UltraFeedback } from "../../../src/tasks/judges/ultra-feedback.js";
import { metadataOf, roundTrip, runStep, scripted } from "./harness.js";

const row = { instruction: "How much is 2+2?", generations: ["4", "and a car"] };

const RATINGS_REPLY = `#### Output for Text 1
Rating: 5
Rationale: Correct and direct.

#### Output for Text 2
Rating: 1
Rationale: Irrelevant to the question.`;

const TYPES_REPLY = `#### Output for Text 1
Type: 1, 3
Rationale: Clear, relevant and concise.
Rating: 3
Rationale: Correct but minimal.

#### Output for Text 2
Type: None
Rationale: Not relevant at all.
Rating: 1
Rationale: Severely incorrect.`;

describe("UltraFeedback", () => {
  it("declares the columns of each aspect", () => {
    expect(new UltraFeedback({ llm: scripted() }).getOutputs()).toEqual(["ratings", "rationales", "model_name", "distilabel_metadata"]);
    expect(new UltraFeedback({ llm: scripted(), aspect: "truthfulness" }).getOutputs()).toEqual([
      "types",
      "rationales",
      "ratings",
      "rationales-for-ratings",
      "model_name",
      "distilabel_metadata",
    ]);
    expect(new UltraFeedback({ llm: scripted() }).inputs).toEqual({ instruction: true, generations: true, system_prompt: false });
  });

  it("rejects an unknown aspect", () => {
    expect(() => new UltraFeedback({ llm: scripted(), aspect: "vibes" as "honesty" })).toThrow(OptionError);
  });

  it("renders the aspect rubric, the output format and every generation", () => {
    const prompt = new UltraFeedback({ llm: scripted(), aspect: "honesty" }).renderPrompt(row);
    expect(prompt).toContain("[system]\nYou assess the quality of texts");
    expect(prompt).toContain("the instruction and 2 texts");
    expect(prompt).toContain("# Honesty and uncertainty");
    expect(prompt).toContain("Rating: <a rating from 1 to 5, or N/A>");
    expect(prompt).toContain("<text 1>\n4\n</text 1>");
    expect(prompt).toContain("<text 2>\nand a car\n</text 2>");
    expect(prompt).not.toContain("Type:");
  });

  it("asks for types with the helpfulness and truthfulness aspects", () => {
    const helpful = new UltraFeedback({ llm: scripted(), aspect: "helpfulness" }).renderPrompt(row);
    expect(helpful).toContain("**Informativeness types**");
    expect(helpful).toContain("Type: <the numbers of the types that apply");
    const truthful = new UltraFeedback({ llm: scripted(), aspect: "truthfulness" }).renderPrompt(row);
    expect(truthful).toContain("**Hallucination types**");
    for (const aspect of ["overall-rating", "instruction-following"] as const) {
      expect(new UltraFeedback({ llm: scripted(), aspect }).renderPrompt(row)).toContain("Rating: <a rating from 1 to 5>\n");
    }
  });

  it("uses a row's system_prompt instead of its own", () => {
    const task = new UltraFeedback({ llm: scripted() });
    const chat = task.formatInput({ ...row, system_prompt: "Be strict." });
    expect(chat[0]).toEqual({ role: "system", content: "Be strict." });
  });

  it("parses rating blocks with headers", () => {
    const task = new UltraFeedback({ llm: scripted() });
    expect(task.formatOutput(RATINGS_REPLY, row)).toEqual({ ratings: [5, 1], rationales: ["Correct and direct.", "Irrelevant to the question."] });
  });

  it("parses blank-line separated blocks without headers, in markdown", () => {
    const task = new UltraFeedback({ llm: scripted() });
    const reply = "**Rating:** 4\n**Rationale:** Mostly right.\n\nRating: 2 (partial focus)\nRationale: Off topic.";
    expect(task.formatOutput(reply, row)).toEqual({ ratings: [4, 2], rationales: ["Mostly right.", "Off topic."] });
  });

  it("parses blocks run together without blank lines or headers", () => {
    const task = new UltraFeedback({ llm: scripted(), aspect: "truthfulness" });
    const reply = "Type: 2\nRationale: Invents a car.\nRating: 2\nRationale: Severe.\nType: None\nRationale: Accurate.\nRating: 5\nRationale: None found.";
    expect(task.formatOutput(reply, row)).toEqual({
      types: [2, null],
      rationales: ["Invents a car.", "Accurate."],
      ratings: [2, 5],
      "rationales-for-ratings": ["Severe.", "None found."],
    });
  });

  it("turns N/A ratings into null and fills texts the reply skipped with null", () => {
    const task = new UltraFeedback({ llm: scripted(), aspect: "honesty" });
    const reply = "#### Output for Text 1\nRating: N/A\nRationale: Creative writing task.";
    expect(task.formatOutput(reply, row)).toEqual({ ratings: [null, null], rationales: ["Creative writing task.", null] });
  });

  it("parses types, rationales, ratings and rationales for ratings", () => {
    const task = new UltraFeedback({ llm: scripted(), aspect: "helpfulness" });
    expect(task.formatOutput(TYPES_REPLY, row)).toEqual({
      types: [1, null],
      rationales: ["Clear, relevant and concise.", "Not relevant at all."],
      ratings: [3, 1],
      "rationales-for-ratings": ["Correct but minimal.", "Severely incorrect."],
    });
  });

  it("parses the structured JSON reply, mapping rationales_for_rating to its column", () => {
    const task = new UltraFeedback({ llm: scripted(), aspect: "truthfulness" });
    const reply = '```json\n{"types": [null, 1], "ratings": [5, 2], "rationales": ["none", "made up"], "rationales_for_rating": ["accurate", "severe"]}\n```';
    expect(task.formatOutput(reply, row)).toEqual({
      types: [null, 1],
      rationales: ["none", "made up"],
      ratings: [5, 2],
      "rationales-for-ratings": ["accurate", "severe"],
    });
    const ratingsOnly = new UltraFeedback({ llm: scripted() });
    expect(ratingsOnly.formatOutput('{"ratings": [4], "rationales": ["ok"]}', row)).toEqual({ ratings: [4, null], rationales: ["ok", null] });
  });

  it("gives null lists for an unreadable or missing reply", () => {
    const task = new UltraFeedback({ llm: scripted(), aspect: "truthfulness" });
    const nulls = { types: [null, null], rationales: [null, null], ratings: [null, null], "rationales-for-ratings": [null, null] };
    expect(task.formatOutput("I would rather not rate these.", row)).toEqual(nulls);
    expect(task.formatOutput(null, row)).toEqual(nulls);
  });

  it("rates rows through an LLM, with one row per generation", async () => {
    const task = new UltraFeedback({ name: "uf", llm: scripted(RATINGS_REPLY, "garbage"), numGenerations: 2 });
    const out = await runStep(task, [row]);
    expect(out).toHaveLength(2);
    expect(out[0]?.ratings).toEqual([5, 1]);
    expect(out[1]?.ratings).toEqual([null, null]);
    expect(out[1]?.generations).toEqual(row.generations);
    expect(metadataOf(out[1]).raw_output_uf).toBe("garbage");
  });

  it("sets the schema of its aspect on the LLM with use_default_structured_output", async () => {
    const llm = scripted('{"types": [1, 2], "ratings": [4, 3], "rationales": ["a", "b"], "rationales_for_rating": ["c", "d"]}');
    const task = new UltraFeedback({ llm, aspect: "helpfulness", useDefaultStructuredOutput: true });
    const [out] = await runStep(task, [row]);
    expect(llm.structuredOutput?.schema).toMatchObject({ required: ["types", "ratings", "rationales", "rationales_for_rating"] });
    expect(out?.["rationales-for-ratings"]).toEqual(["c", "d"]);
  });

  it("round-trips through dump and load, keeping the aspect", () => {
    const task = new UltraFeedback({ name: "uf", llm: scripted(), aspect: "instruction-following" });
    const loaded = roundTrip(task);
    expect(loaded.aspect).toBe("instruction-following");
    expect(loaded.dump()).toEqual(task.dump());
  });
});
