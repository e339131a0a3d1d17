import { describe, expect, it } from "vitest";
import { TextClassification } from "../../../src/tasks/judges/text-classification.js";
import { metadataOf, roundTrip, runStep, scripted } from "./harness.js";

const row = { text: "Can you tell me more about your return policy?" };
const intents = { complaint: "Dissatisfaction with a product or service.", inquiry: "A question asking for information.", praise: "Approval or appreciation." };

describe("TextClassification", () => {
  it("declares distilabel's columns and uses structured output by default", () => {
    const task = new TextClassification({ llm: scripted() });
    expect(task.inputs).toEqual(["text"]);
    expect(task.getOutputs()).toEqual(["labels", "model_name", "distilabel_metadata"]);
    expect(task.attrs.useDefaultStructuredOutput).toBe(true);
    expect(task.attrs.defaultLabel).toBe("Unclassified");
  });

  it("renders labels with descriptions, the context and the query", () => {
    const task = new TextClassification({
      llm: scripted(),
      availableLabels: intents,
      context: "Determine the intent of the text.",
      queryTitle: "Customer Query",
    });
    const prompt = task.renderPrompt(row);
    expect(prompt).toContain("[system]\nYou are a text classifier.");
    expect(prompt).toContain("Classify the customer query below by assigning the one label");
    expect(prompt).toContain('answer "Unclassified"');
    expect(prompt).toContain("Determine the intent of the text.");
    expect(prompt).toContain('- "inquiry": A question asking for information.');
    expect(prompt).toContain("## Customer Query\n```\nCan you tell me more about your return policy?\n```");
    expect(prompt).toContain('{"labels": "<label>"}');
  });

  it("renders free multi-label prompts with examples and no system prompt when it is null", () => {
    const task = new TextClassification({ llm: scripted(), n: 3, systemPrompt: null, examples: ["A chef who writes cookbooks"] });
    const prompt = task.renderPrompt(row);
    expect(prompt.startsWith("[user]")).toBe(true);
    expect(prompt).toContain("the 3 labels that describe it best");
    expect(prompt).toContain("Use clear, widely understood terms");
    expect(prompt).toContain("## Examples");
    expect(prompt).toContain("- A chef who writes cookbooks");
    expect(prompt).toContain('{"labels": ["<label 1>", "<label 2>", "<label 3>"]}');
  });

  it("parses a single label from JSON, fenced or wrapped in prose", () => {
    const task = new TextClassification({ llm: scripted(), availableLabels: intents });
    expect(task.formatOutput('{"labels": "inquiry"}', row)).toEqual({ labels: "inquiry" });
    expect(task.formatOutput('Sure!\n```json\n{"labels": "Inquiry"}\n```', row)).toEqual({ labels: "inquiry" });
    expect(task.formatOutput('{"labels": ["praise"]}', row)).toEqual({ labels: "praise" });
  });

  it("maps a label outside the available ones to the default label", () => {
    const task = new TextClassification({ llm: scripted(), availableLabels: ["positive", "negative"] });
    expect(task.formatOutput('{"labels": "mixed"}', row)).toEqual({ labels: "Unclassified" });
    expect(task.formatOutput('{"labels": "unclassified"}', row)).toEqual({ labels: "Unclassified" });
  });

  it("accepts a bare available label without JSON", () => {
    const task = new TextClassification({ llm: scripted(), availableLabels: ["positive", "negative"] });
    expect(task.formatOutput('"Negative".', row)).toEqual({ labels: "negative" });
    expect(task.formatOutput("I think it is negative, mostly.", row)).toEqual({ labels: null });
  });

  it("parses several labels, dropping unknown ones and falling back to the default", () => {
    const task = new TextClassification({ llm: scripted(), n: 2, availableLabels: intents });
    expect(task.formatOutput('{"labels": ["complaint", "nonsense", "inquiry", "complaint"]}', row)).toEqual({ labels: ["complaint", "inquiry"] });
    expect(task.formatOutput('{"labels": ["nonsense"]}', row)).toEqual({ labels: ["Unclassified"] });
    const free = new TextClassification({ llm: scripted(), n: 2 });
    expect(free.formatOutput('{"labels": [" Historian ", "Curator"]}', row)).toEqual({ labels: ["Historian", "Curator"] });
  });

  it("gives null labels for an unreadable reply", () => {
    expect(new TextClassification({ llm: scripted() }).formatOutput("no JSON here", row)).toEqual({ labels: null });
    expect(new TextClassification({ llm: scripted(), n: 2 }).formatOutput("no JSON here", row)).toEqual({ labels: [null, null] });
    expect(new TextClassification({ llm: scripted() }).formatOutput(null, row)).toEqual({ labels: null });
  });

  it("builds a schema constrained to the available labels", () => {
    const single = new TextClassification({ llm: scripted(), availableLabels: ["positive", "negative"] }).defaultStructuredOutput();
    expect(single).toMatchObject({ title: "SingleLabelSchema", properties: { labels: { type: "string", enum: ["positive", "negative", "Unclassified"] } } });
    const multi = new TextClassification({ llm: scripted(), n: 3 }).defaultStructuredOutput();
    expect(multi).toMatchObject({ title: "MultiLabelSchema", properties: { labels: { type: "array", items: { type: "string" } } } });
  });

  it("classifies rows through an LLM with its schema set", async () => {
    const llm = scripted('{"labels": "inquiry"}', '{"labels": "complaint"}');
    const task = new TextClassification({ name: "intent", llm, availableLabels: intents });
    const out = await runStep(task, [row, { text: "This is broken again!" }]);
    expect(out.map((r) => r.labels)).toEqual(["inquiry", "complaint"]);
    expect(llm.structuredOutput?.schema).toMatchObject({ required: ["labels"] });
    expect(metadataOf(out[0]).raw_output_intent).toBe('{"labels": "inquiry"}');
  });

  it("round-trips through dump and load", () => {
    const task = new TextClassification({ name: "intent", llm: scripted(), availableLabels: intents, n: 2, defaultLabel: ["none"], systemPrompt: null });
    const loaded = roundTrip(task);
    expect(loaded.dump()).toEqual(task.dump());
    expect(loaded.attrs.systemPrompt).toBeNull();
    expect(loaded.attrs.availableLabels).toEqual(intents);
  });
});
