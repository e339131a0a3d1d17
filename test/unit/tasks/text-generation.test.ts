import { describe, expect, it } from "vitest";
import { OptionError } from "../../../src/errors.js";
import { TextGeneration } from "../../../src/tasks/text-generation/text-generation.js";
import { loggedContext, metaOf, roundTrip, runBatch, scripted } from "./generation-helpers.js";

const DOC_TEMPLATE = "Document:\n{{ document }}\n\nQuestion: {{ question }}";

describe("TextGeneration", () => {
  it("sends the instruction as it is by default, with the system prompt option", () => {
    const task = new TextGeneration({ llm: scripted(), systemPrompt: "Be brief." });
    expect(task.formatInput({ instruction: "Tell me a joke" })).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "Tell me a joke" },
    ]);
    expect(task.inputs).toEqual({ instruction: true, system_prompt: false });
    expect(task.attrs.columns).toEqual(["instruction"]);
  });

  it("renders a custom template over its columns, a row's system_prompt winning over the option", () => {
    const task = new TextGeneration({ llm: scripted(), template: DOC_TEMPLATE, columns: ["document", "question"], systemPrompt: "default" });
    const row = { document: "The reef is large.", question: "How large?", system_prompt: "Answer from the document." };
    expect(task.formatInput(row)).toEqual([
      { role: "system", content: "Answer from the document." },
      { role: "user", content: "Document:\nThe reef is large.\n\nQuestion: How large?" },
    ]);
    expect(task.renderPrompt(row)).toBe("[system]\nAnswer from the document.\n\n[user]\nDocument:\nThe reef is large.\n\nQuestion: How large?");
  });

  it("keeps system_prompt required when the template reads it as a column", () => {
    const task = new TextGeneration({ llm: scripted(), template: "{{ system_prompt }} / {{ instruction }}", columns: ["instruction", "system_prompt"] });
    expect(task.inputs).toEqual({ instruction: true, system_prompt: true });
  });

  it("renders list columns with loops", () => {
    const task = new TextGeneration({
      llm: scripted(),
      template: "Examples:\n{% for e in examples %}{{ loop.index }}. {{ e }}\n{% endfor %}Write one more.",
      columns: "examples",
    });
    expect(task.formatInput({ examples: ["first", "second"] })).toEqual([{ role: "user", content: "Examples:\n1. first\n2. second\nWrite one more." }]);
  });

  it("rejects columns the template does not read, and template variables missing from columns", () => {
    expect(() => new TextGeneration({ llm: scripted(), template: "{{ instruction }}", columns: ["instruction", "context"] })).toThrow(
      /column 'context' is not used by the template/,
    );
    expect(() => new TextGeneration({ llm: scripted(), template: DOC_TEMPLATE, columns: ["document"] })).toThrow(/reads 'question', which is not in 'columns'/);
  });

  it("rejects a template with a syntax error, naming the option and line", () => {
    let error: unknown;
    try {
      new TextGeneration({ llm: scripted(), template: "line one\n{% if x %}never closed" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OptionError);
    expect((error as OptionError).details).toMatchObject({ field: "template", line: 2 });
    expect((error as OptionError).message).toMatch(/option 'template'.*line 2/);
  });

  it("generates through the LLM, with metadata and statistics", async () => {
    const task = new TextGeneration({ llm: scripted("Why did the chicken cross the road?"), name: "gen" });
    const [row, ...rest] = await runBatch(task, [{ instruction: "Tell me a joke" }]);
    expect(rest).toEqual([]);
    expect(row).toMatchObject({ instruction: "Tell me a joke", generation: "Why did the chicken cross the road?", model_name: "scripted-model" });
    expect(metaOf(row)).toEqual({
      raw_output_gen: "Why did the chicken cross the road?",
      raw_input_gen: [{ role: "user", content: "Tell me a joke" }],
      statistics_gen: { input_tokens: 4, output_tokens: 7 },
    });
  });

  it("gives a row whose instruction is not a string null outputs and a warning, and keeps the others", async () => {
    const task = new TextGeneration({ llm: scripted("ok"), name: "gen" });
    const { context, logger } = loggedContext();
    const rows = await runBatch(task, [{ instruction: [{ role: "user", content: "hi" }] }, { instruction: "fine" }], context);
    expect(rows.map((r) => r.generation)).toEqual([null, "ok"]);
    expect(metaOf(rows[0])).toMatchObject({ raw_output_gen: null, error_gen: expect.stringMatching(/use ChatGeneration/) });
    expect(logger.lines.some((line) => line.includes("skipped a row"))).toBe(true);
  });

  it("makes one row per generation, or one grouped row", async () => {
    const rows = await runBatch(new TextGeneration({ llm: scripted("a", "b"), numGenerations: 2 }), [{ instruction: "x" }]);
    expect(rows.map((r) => r.generation)).toEqual(["a", "b"]);
    const grouped = await runBatch(new TextGeneration({ llm: scripted("a", "b"), numGenerations: 2, groupGenerations: true, name: "g" }), [
      { instruction: "x" },
    ]);
    expect(grouped).toHaveLength(1);
    expect(grouped[0]).toMatchObject({ instruction: "x", generation: ["a", "b"], model_name: "scripted-model" });
    expect(grouped[0]?.distilabel_metadata).toHaveLength(2);
  });

  it("round-trips through dump and the default registry", () => {
    const task = new TextGeneration({ llm: scripted(), template: DOC_TEMPLATE, columns: ["document", "question"], systemPrompt: "s", name: "qa" });
    const dumped = task.dump();
    expect(dumped).toMatchObject({
      name: "qa",
      template: DOC_TEMPLATE,
      columns: ["document", "question"],
      system_prompt: "s",
      type_info: { name: "TextGeneration" },
    });
    const loaded = roundTrip(task);
    expect(loaded).toBeInstanceOf(TextGeneration);
    expect(loaded.renderPrompt({ document: "d", question: "q" })).toBe(task.renderPrompt({ document: "d", question: "q" }));
  });
});
