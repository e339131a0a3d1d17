import { describe, expect, it } from "vitest";
import { CLARITIES, DIFFICULTIES } from "../../../src/tasks/embeddings-data/embedding-data-options.js";
import { GenerateTextClassificationData } from "../../../src/tasks/embeddings-data/generate-text-classification-data.js";
import { ScriptedLLM } from "../../support/scripted-llm.js";
import { loggedContext, metaOf, roundTrip, runBatch, scripted } from "./generation-helpers.js";

const TASK = "Classify a restaurant review's sentiment as positive, negative or mixed.";

describe("GenerateTextClassificationData", () => {
  it("renders the task, clarity, difficulty and language", () => {
    const task = new GenerateTextClassificationData({ llm: scripted(), difficulty: "PhD", clarity: "ambiguous", language: "Dutch" });
    const prompt = task.renderPrompt({ task: TASK });
    expect(prompt.startsWith(`[user]\nHere is a text classification task: ${TASK}\n\n`)).toBe(true);
    expect(prompt).toContain('- "misleading_label": another label that is valid for this task and related to the text, but less fitting than "label".');
    expect(prompt).toContain("- The text is ambiguous, and understanding it takes a PhD level of education.");
    expect(prompt).toContain("- Write all values in Dutch.");
    expect(task.getOutputs()).toEqual(["input_text", "label", "misleading_label", "model_name", "distilabel_metadata"]);
  });

  it("draws clarity and difficulty per row when unset, reproducibly", () => {
    const task = new GenerateTextClassificationData({ llm: scripted() });
    const drawn = Array.from({ length: 30 }, (_, i) =>
      /The text is (.+?), and understanding it takes a (.+?) level/.exec(task.renderPrompt({ task: `Task ${i}` })),
    );
    for (const match of drawn) {
      expect(CLARITIES).toContain(match?.[1]);
      expect(DIFFICULTIES).toContain(match?.[2]);
    }
    expect(new Set(drawn.map((m) => m?.[1])).size).toBeGreaterThan(1);
    expect(new GenerateTextClassificationData({ llm: scripted() }).renderPrompt({ task: "Task 5" })).toBe(task.renderPrompt({ task: "Task 5" }));
  });

  it("parses good replies; partial replies keep what they have", () => {
    const task = new GenerateTextClassificationData({ llm: scripted() });
    expect(
      task.formatOutput('```json\n{"input_text": "The pasta was cold but the tiramisu was divine.", "label": "mixed", "misleading_label": "positive"}\n```'),
    ).toEqual({ input_text: "The pasta was cold but the tiramisu was divine.", label: "mixed", misleading_label: "positive" });
    expect(task.formatOutput('{"input_text": "Great food.", "label": "positive"}')).toEqual({
      input_text: "Great food.",
      label: "positive",
      misleading_label: null,
    });
    expect(() => task.formatOutput("label: positive")).toThrow(/no JSON object/);
  });

  it("generates through the LLM; a failed call gives nulls and the error", async () => {
    const { context } = loggedContext();
    const llm = scripted('{"input_text": "Slow service, cold soup.", "label": "negative", "misleading_label": "mixed"}');
    const task = new GenerateTextClassificationData({ llm, difficulty: "college", clarity: "clear", name: "classify" });
    const [row] = await runBatch(task, [{ task: TASK }], context);
    expect(row).toMatchObject({
      task: TASK,
      input_text: "Slow service, cold soup.",
      label: "negative",
      misleading_label: "mixed",
      model_name: "scripted-model",
    });
    expect(metaOf(row).raw_output_classify).toContain('"label": "negative"');

    const failing = new GenerateTextClassificationData({ llm: new ScriptedLLM({ failOn: "spam" }), name: "classify" });
    const [failed] = await runBatch(failing, [{ task: "Detect spam in SMS messages." }], context);
    expect(failed).toMatchObject({ input_text: null, label: null, misleading_label: null, model_name: "scripted-model" });
    expect(metaOf(failed).error_classify).toMatch(/scripted failure/);
  });

  it("round-trips through dump and the default registry", () => {
    const task = new GenerateTextClassificationData({ llm: scripted(), difficulty: "college", name: "classify" });
    expect(task.dump()).toMatchObject({ difficulty: "college", clarity: null, language: "English", type_info: { name: "GenerateTextClassificationData" } });
    const loaded = roundTrip(task);
    expect(loaded).toBeInstanceOf(GenerateTextClassificationData);
    expect(loaded.dump()).toEqual(task.dump());
    expect(loaded.renderPrompt({ task: TASK })).toBe(task.renderPrompt({ task: TASK }));
  });
});
