import { describe, expect, it } from "vitest";
import { EmbeddingTaskGenerator } from "../../../src/tasks/embeddings-data/embedding-task-generator.js";
import { EMBEDDING_TASK_GENERATOR_TEMPLATES } from "../../../src/tasks/templates/embedding-task-generator.js";
import { ScriptedLLM } from "../../support/scripted-llm.js";
import { loggedContext, metaOf, roundTrip, runGenerator, scripted } from "./generation-helpers.js";

const RETRIEVAL_TASKS = ["Retrieve recipes that use a given set of leftover ingredients.", "Find court rulings that interpret a given statute."];
const reply = JSON.stringify(RETRIEVAL_TASKS);

describe("EmbeddingTaskGenerator", () => {
  it("asks to brainstorm about twenty tasks of its category as a JSON list", () => {
    const prompt = new EmbeddingTaskGenerator({ llm: scripted(), category: "text-retrieval" }).renderPrompt();
    expect(prompt.startsWith("[user]\nWe are collecting text retrieval tasks to train a text embedding model.")).toBe(true);
    expect(prompt).toContain("say what the query is and what kind of document should be retrieved for it");
    expect(prompt).toContain("Reply with a JSON array of about 20 strings and nothing else");
    for (const [category, opening] of [
      ["text-matching-short", "short text matching tasks"],
      ["text-matching-long", "long text matching tasks"],
      ["text-classification", "text classification tasks"],
    ] as const) {
      const task = new EmbeddingTaskGenerator({ llm: scripted(), category });
      expect(task.formatInput({})).toEqual([{ role: "user", content: EMBEDDING_TASK_GENERATOR_TEMPLATES[category] }]);
      expect(task.renderPrompt()).toContain(opening);
    }
  });

  it("requires a known category", () => {
    expect(() => new EmbeddingTaskGenerator({ llm: scripted() } as never)).toThrow(/category/);
    expect(() => new EmbeddingTaskGenerator({ llm: scripted(), category: "clustering" as "text-retrieval" })).toThrow(/invalid option 'category'/);
  });

  it("declares tasks, or task when flattening", () => {
    expect(new EmbeddingTaskGenerator({ llm: scripted(), category: "text-retrieval" }).getOutputs()).toEqual(["tasks", "model_name", "distilabel_metadata"]);
    expect(new EmbeddingTaskGenerator({ llm: scripted(), category: "text-retrieval", flattenTasks: true }).getOutputs()).toEqual([
      "task",
      "model_name",
      "distilabel_metadata",
    ]);
  });

  it("parses JSON and Python lists, and throws on prose so the raw reply is kept", () => {
    const task = new EmbeddingTaskGenerator({ llm: scripted(), category: "text-classification" });
    expect(task.formatOutput(`Here you go:\n\`\`\`json\n${reply}\n\`\`\``)).toEqual({ tasks: RETRIEVAL_TASKS });
    expect(task.formatOutput("['Label the tone of an email.', 'Tag a news story with its section.']")).toEqual({
      tasks: ["Label the tone of an email.", "Tag a news story with its section."],
    });
    expect(task.formatOutput(null)).toEqual({ tasks: null });
    expect(() => task.formatOutput("Sorry, I can't brainstorm right now.")).toThrow("the reply holds no list of task strings");
  });

  it("sends one prompt with num_generations and yields a row per generation in one last batch", async () => {
    const llm = new ScriptedLLM({ replies: [reply, '["Match a question with its answer."]'] });
    const task = new EmbeddingTaskGenerator({ llm, category: "text-retrieval", numGenerations: 2, name: "brainstorm" });
    const { rows, lastBatch } = await runGenerator(task);
    expect(lastBatch).toBe(true);
    expect(llm.calls).toBe(2);
    expect(rows.map((r) => [r.tasks, r.model_name])).toEqual([
      [RETRIEVAL_TASKS, "scripted-model"],
      [["Match a question with its answer."], "scripted-model"],
    ]);
    expect(metaOf(rows[0])).toEqual({
      raw_output_brainstorm: reply,
      raw_input_brainstorm: [{ role: "user", content: EMBEDDING_TASK_GENERATOR_TEMPLATES["text-retrieval"] }],
      statistics_brainstorm: { input_tokens: expect.any(Number), output_tokens: 17 },
    });
    // Everything came in the first batch.
    expect(await runGenerator(task, 2)).toEqual({ rows: [], lastBatch: true });
  });

  it("flattens the lists into one row per task, keeping each generation's metadata", async () => {
    const task = new EmbeddingTaskGenerator({ llm: scripted(reply), category: "text-retrieval", flattenTasks: true, name: "brainstorm" });
    const { rows } = await runGenerator(task);
    expect(rows.map((r) => [r.task, r.model_name])).toEqual(RETRIEVAL_TASKS.map((t) => [t, "scripted-model"]));
    expect(rows.every((r) => !("tasks" in r))).toBe(true);
    expect(metaOf(rows[1]).raw_output_brainstorm).toBe(reply);
  });

  it("keeps a generation whose reply has no list as a row with a null task and its raw reply", async () => {
    const { context, logger } = loggedContext();
    const task = new EmbeddingTaskGenerator({
      llm: scripted("I'd rather not.", reply),
      category: "text-retrieval",
      flattenTasks: true,
      numGenerations: 2,
      name: "brainstorm",
    });
    const { rows } = await runGenerator(task, 0, context);
    expect(rows.map((r) => r.task)).toEqual([null, ...RETRIEVAL_TASKS]);
    expect(metaOf(rows[0]).raw_output_brainstorm).toBe("I'd rather not.");
    expect(logger.lines.join("\n")).toMatch(/failed to format output: the reply holds no list of task strings/);
  });

  it("gives null tasks with the error when the LLM call fails", async () => {
    const task = new EmbeddingTaskGenerator({ llm: new ScriptedLLM({ failOn: "text retrieval" }), category: "text-retrieval", name: "brainstorm" });
    const { rows } = await runGenerator(task);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.tasks).toBeNull();
    expect(metaOf(rows[0]).error_brainstorm).toMatch(/scripted failure/);
  });

  it("round-trips through dump and the default registry", () => {
    const task = new EmbeddingTaskGenerator({ llm: scripted(), category: "text-matching-long", flattenTasks: true, name: "brainstorm" });
    expect(task.dump()).toMatchObject({
      name: "brainstorm",
      category: "text-matching-long",
      flatten_tasks: true,
      type_info: { name: "EmbeddingTaskGenerator" },
    });
    const loaded = roundTrip(task);
    expect(loaded).toBeInstanceOf(EmbeddingTaskGenerator);
    expect(loaded.dump()).toEqual(task.dump());
    expect(loaded.renderPrompt()).toBe(task.renderPrompt());
  });
});
