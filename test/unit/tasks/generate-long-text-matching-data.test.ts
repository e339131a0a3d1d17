import { describe, expect, it } from "vitest";
import { GenerateLongTextMatchingData } from "../../../src/tasks/embeddings-data/generate-long-text-matching-data.js";
import { metaOf, roundTrip, runBatch, scripted } from "./generation-helpers.js";

const TASK = "Given a customer's detailed complaint, find the support article that resolves it.";

describe("GenerateLongTextMatchingData", () => {
  it("asks for two long documents in the language", () => {
    const task = new GenerateLongTextMatchingData({ llm: scripted(), language: "French" });
    const [message] = task.formatInput({ task: TASK });
    const prompt = String(message?.content);
    expect(prompt.startsWith(`Here is a long text matching task: ${TASK}\n\n`)).toBe(true);
    expect(prompt).toContain('- "input": an input document for this task.');
    expect(prompt).toContain("- Both texts are long documents of at least 300 words each.");
    expect(prompt).toContain("- Write both documents in French.");
    expect(task.getOutputs()).toEqual(["input", "positive_document", "model_name", "distilabel_metadata"]);
  });

  it("parses a reply whose documents span several raw lines, and nulls a prose reply", () => {
    const task = new GenerateLongTextMatchingData({ llm: scripted() });
    const reply =
      'Here is the example:\n{"input": "My order arrived broken.\nThe box was crushed.", "positive_document": "Damaged deliveries\n\nIf your parcel arrives damaged, photograph it."}';
    expect(task.formatOutput(reply)).toEqual({
      input: "My order arrived broken.\nThe box was crushed.",
      positive_document: "Damaged deliveries\n\nIf your parcel arrives damaged, photograph it.",
    });
    expect(() => task.formatOutput("The input would be a complaint and the document an article.")).toThrow(
      /no JSON object with any of the keys "input", "positive_document"/,
    );
  });

  it("generates through the LLM with a row's system prompt", async () => {
    const task = new GenerateLongTextMatchingData({ llm: scripted('{"input": "complaint text", "positive_document": "article text"}'), name: "long" });
    const [row] = await runBatch(task, [{ task: TASK, system_prompt: "You write support data." }]);
    expect(row).toMatchObject({ input: "complaint text", positive_document: "article text", model_name: "scripted-model" });
    expect(metaOf(row).raw_input_long).toEqual([
      { role: "system", content: "You write support data." },
      { role: "user", content: expect.stringContaining(TASK) },
    ]);
  });

  it("round-trips through dump and the default registry", () => {
    const task = new GenerateLongTextMatchingData({ llm: scripted(), language: "Portuguese", systemPrompt: "s", name: "long" });
    const loaded = roundTrip(task);
    expect(loaded).toBeInstanceOf(GenerateLongTextMatchingData);
    expect(loaded.dump()).toEqual(task.dump());
    expect(loaded.dump()).toMatchObject({ language: "Portuguese", system_prompt: "s" });
  });
});
