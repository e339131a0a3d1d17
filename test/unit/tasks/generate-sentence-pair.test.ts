import { describe, expect, it } from "vitest";
import { GenerateSentencePair } from "../../../src/tasks/embeddings-data/generate-sentence-pair.js";
import { metadataOf, roundTrip, runStep, scripted } from "./harness.js";

const row = { anchor: "How does 3D printing work?" };

describe("GenerateSentencePair", () => {
  it("declares positive, and negative for triplets", () => {
    expect(new GenerateSentencePair({ llm: scripted(), action: "paraphrase" }).getOutputs()).toEqual(["positive", "model_name", "distilabel_metadata"]);
    expect(new GenerateSentencePair({ llm: scripted(), action: "paraphrase", triplet: true }).getOutputs()).toEqual([
      "positive",
      "negative",
      "model_name",
      "distilabel_metadata",
    ]);
  });

  it("requires a known action", () => {
    expect(() => new GenerateSentencePair({ llm: scripted() } as never)).toThrow(/invalid option 'action'/);
    expect(() => new GenerateSentencePair({ llm: scripted(), action: "translate" as "query" })).toThrow(/invalid option 'action'/);
  });

  it("renders the action, the negative style and the context", () => {
    const prompt = new GenerateSentencePair({
      llm: scripted(),
      action: "query",
      triplet: true,
      hardNegative: true,
      context: "Argilla is a data tool.",
    }).renderPrompt(row);
    expect(prompt).toContain("is a query that the anchor answers");
    expect(prompt).toContain("is a hard negative");
    expect(prompt).toContain("taking into account the context provided");
    expect(prompt).toContain('"## Positive" and then "## Negative"');
    expect(prompt).toContain("[user]\n## Context\n\nArgilla is a data tool.\n\n## Anchor\n\nHow does 3D printing work?");
  });

  it("renders a positive-only prompt without context", () => {
    const prompt = new GenerateSentencePair({ llm: scripted(), action: "paraphrase" }).renderPrompt(row);
    expect(prompt).toContain("paraphrases the anchor");
    expect(prompt).toContain('exactly one section, "## Positive"');
    expect(prompt).not.toContain("negative sentence");
    expect(prompt).toContain("[user]\n## Anchor\n\nHow does 3D printing work?");
  });

  it("parses positive and negative sections", () => {
    const task = new GenerateSentencePair({ llm: scripted(), action: "paraphrase", triplet: true });
    expect(task.formatOutput("## Positive\nHow do 3D printers build objects?\n\n## Negative\nHow does 2D animation work?", row)).toEqual({
      positive: "How do 3D printers build objects?",
      negative: "How does 2D animation work?",
    });
    expect(task.formatOutput("**Positive:** Positive thinking helps.\n**Negative:** The stock fell.", row)).toEqual({
      positive: "Positive thinking helps.",
      negative: "The stock fell.",
    });
  });

  it("keeps only the positive when not generating triplets", () => {
    const task = new GenerateSentencePair({ llm: scripted(), action: "answer" });
    expect(task.formatOutput("## Positive\nIt deposits material layer by layer.", row)).toEqual({ positive: "It deposits material layer by layer." });
  });

  it("parses the structured JSON reply", () => {
    const task = new GenerateSentencePair({ llm: scripted(), action: "paraphrase", triplet: true });
    expect(task.formatOutput('```json\n{"positive": "p", "negative": "n"}\n```', row)).toEqual({ positive: "p", negative: "n" });
  });

  it("gives nulls for a reply without sections and a missing negative", () => {
    const task = new GenerateSentencePair({ llm: scripted(), action: "paraphrase", triplet: true });
    expect(task.formatOutput("I can't help with that.", row)).toEqual({ positive: null, negative: null });
    expect(task.formatOutput("## Positive\nOnly this.", row)).toEqual({ positive: "Only this.", negative: null });
    expect(task.formatOutput(null, row)).toEqual({ positive: null, negative: null });
  });

  it("builds the schema of pairs and triplets", () => {
    expect(new GenerateSentencePair({ llm: scripted(), action: "query" }).defaultStructuredOutput()).toMatchObject({ required: ["positive"] });
    expect(new GenerateSentencePair({ llm: scripted(), action: "query", triplet: true }).defaultStructuredOutput()).toMatchObject({
      required: ["positive", "negative"],
    });
  });

  it("generates pairs through an LLM", async () => {
    const task = new GenerateSentencePair({ name: "pairs", llm: scripted("## Positive\nExplain additive manufacturing."), action: "semantically-similar" });
    const [out] = await runStep(task, [row]);
    expect(out).toMatchObject({ anchor: row.anchor, positive: "Explain additive manufacturing.", model_name: "scripted-model" });
    expect(metadataOf(out).raw_input_pairs).toEqual([
      { role: "system", content: expect.stringContaining("semantically similar") },
      { role: "user", content: expect.stringContaining("## Anchor") },
    ]);
  });

  it("round-trips through dump and load", () => {
    const task = new GenerateSentencePair({ name: "pairs", llm: scripted(), action: "query", triplet: true, hardNegative: true, context: "ctx" });
    const loaded = roundTrip(task);
    expect(loaded.dump()).toEqual(task.dump());
    expect(loaded.attrs.hardNegative).toBe(true);
  });
});
