import { describe, expect, it } from "vitest";
import { GenerateShortTextMatchingData } from "../../../src/tasks/embeddings-data/generate-short-text-matching-data.js";
import { loggedContext, metaOf, roundTrip, runBatch, scripted } from "./generation-helpers.js";

const TASK = "Given a product title, find another listing's title for the same product.";

describe("GenerateShortTextMatchingData", () => {
  it("renders the task and the language into one user message", () => {
    const task = new GenerateShortTextMatchingData({ llm: scripted(), language: "German" });
    expect(task.renderPrompt({ task: TASK })).toBe(`[user]
Here is a short text matching task: ${TASK}

Write one training example for this task as a JSON object with exactly these keys:
- "input": an input text for this task.
- "positive_document": the text that matches the input as the task describes.

Requirements:
- Both texts are short: a sentence or a phrase each.
- The two texts share as few words as possible, so that matching them takes understanding rather than word overlap.
- Each text reads naturally on its own; neither refers to the other.
- Write both texts in German.

Reply with the JSON object only, with no text before or after it.`);
    expect(task.getOutputs()).toEqual(["input", "positive_document", "model_name", "distilabel_metadata"]);
    expect(new GenerateShortTextMatchingData({ llm: scripted() }).renderPrompt({ task: TASK })).toContain("- Write both texts in English.");
  });

  it("parses good replies and gives nulls for a reply without the keys", () => {
    const task = new GenerateShortTextMatchingData({ llm: scripted() });
    expect(task.formatOutput('{"input": "Apple iPhone 15 Pro 128GB Black Titanium", "positive_document": "iPhone 15 Pro (128 GB) - black titanium"}')).toEqual({
      input: "Apple iPhone 15 Pro 128GB Black Titanium",
      positive_document: "iPhone 15 Pro (128 GB) - black titanium",
    });
    expect(() => task.formatOutput("Input: a phone\nPositive: another phone")).toThrow(/no JSON object/);
    expect(task.formatOutput(null)).toEqual({ input: null, positive_document: null });
  });

  it("generates through the LLM, raw output kept for an unreadable reply", async () => {
    const { context } = loggedContext();
    const task = new GenerateShortTextMatchingData({
      llm: scripted('{"input": "Dyson V15 cordless vacuum", "positive_document": "V15 Detect stick vacuum by Dyson"}', "no JSON here"),
      name: "short",
    });
    const rows = await runBatch(task, [{ task: TASK }, { task: TASK }], context);
    expect(rows.map((r) => [r.task, r.input, r.positive_document, r.model_name])).toEqual([
      [TASK, "Dyson V15 cordless vacuum", "V15 Detect stick vacuum by Dyson", "scripted-model"],
      [TASK, null, null, "scripted-model"],
    ]);
    expect(metaOf(rows[1]).raw_output_short).toBe("no JSON here");
    expect(metaOf(rows[0]).statistics_short).toEqual({ input_tokens: expect.any(Number), output_tokens: 12 });
  });

  it("round-trips through dump and the default registry", () => {
    const task = new GenerateShortTextMatchingData({ llm: scripted(), language: "Korean", name: "short" });
    expect(task.dump()).toMatchObject({ language: "Korean", seed: 42, type_info: { name: "GenerateShortTextMatchingData" } });
    const loaded = roundTrip(task);
    expect(loaded).toBeInstanceOf(GenerateShortTextMatchingData);
    expect(loaded.dump()).toEqual(task.dump());
  });
});
