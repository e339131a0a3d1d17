import { describe, expect, it } from "vitest";
import { CLARITIES, DIFFICULTIES, NUM_WORDS, QUERY_LENGTHS, QUERY_TYPES } from "../../../src/tasks/embeddings-data/embedding-data-options.js";
import { GenerateTextRetrievalData } from "../../../src/tasks/embeddings-data/generate-text-retrieval-data.js";
import { loggedContext, metaOf, roundTrip, runBatch, scripted } from "./generation-helpers.js";

const TASK = "Given a question about a houseplant's health, retrieve care guides that diagnose the problem.";
const GOOD_REPLY = `\`\`\`json
{
  "user_query": "why are my monstera leaves turning yellow",
  "positive_document": "Yellowing leaves on a Monstera deliciosa usually point to overwatering.
Let the top five centimetres of soil dry out between waterings.",
  "hard_negative_document": "Monstera deliciosa is native to the tropical forests of southern Mexico."
}
\`\`\``;

const fixed = { language: "English", queryType: "common", queryLength: "5 to 15 words", difficulty: "high school", clarity: "clear", numWords: 100 } as const;

/** The options a rendered prompt asks for, read back from its text. */
function sampledOptions(prompt: string): { queryType?: string; queryLength?: string; clarity?: string; numWords?: number; difficulty?: string } {
  const query = /The query is an? (.+?) query of (.+?), and it is (.+?)\. Pick/.exec(prompt);
  return {
    queryType: query?.[1],
    queryLength: query?.[2],
    clarity: query?.[3],
    numWords: Number(/Each document has at least (\d+) words/.exec(prompt)?.[1]),
    difficulty: /takes a (.+?) level of education/.exec(prompt)?.[1],
  };
}

describe("GenerateTextRetrievalData", () => {
  it("renders the task and every option into one user message", () => {
    const task = new GenerateTextRetrievalData({ llm: scripted(), ...fixed, language: "Spanish" });
    const [message, ...rest] = task.formatInput({ task: TASK });
    expect(rest).toEqual([]);
    expect(message?.role).toBe("user");
    const prompt = String(message?.content);
    expect(
      prompt.startsWith(`Here is a text retrieval task: ${TASK}\n\nWrite one training example for this task as a JSON object with exactly these keys:`),
    ).toBe(true);
    expect(prompt).toContain('- "hard_negative_document": a document that looks relevant to the query at first sight');
    expect(prompt).toContain("- The query is a common query of 5 to 15 words, and it is clear. Pick its topic freely.");
    expect(prompt).toContain("- Each document has at least 100 words.");
    expect(prompt).toContain("- Understanding the query and the documents takes a high school level of education.");
    expect(prompt).toContain("- Write the query and both documents in Spanish.");
    expect(prompt.endsWith("Reply with the JSON object only, with no text before or after it.")).toBe(true);
    expect(task.inputs).toEqual({ task: true, system_prompt: false });
    expect(task.getOutputs()).toEqual(["user_query", "positive_document", "hard_negative_document", "model_name", "distilabel_metadata"]);
  });

  it("puts the system prompt option, or a row's system_prompt, first", () => {
    const task = new GenerateTextRetrievalData({ llm: scripted(), ...fixed, systemPrompt: "You write search data." });
    expect(task.formatInput({ task: TASK })[0]).toEqual({ role: "system", content: "You write search data." });
    expect(task.formatInput({ task: TASK, system_prompt: "Row prompt." })[0]).toEqual({ role: "system", content: "Row prompt." });
  });

  it("draws unset options per row from distilabel's lists, the same for the same task and seed", () => {
    const tasks = Array.from({ length: 40 }, (_, i) => `Retrieval task number ${i}.`);
    const task = new GenerateTextRetrievalData({ llm: scripted() });
    const drawn = tasks.map((t) => sampledOptions(task.renderPrompt({ task: t })));
    for (const options of drawn) {
      expect(QUERY_TYPES).toContain(options.queryType);
      expect(QUERY_LENGTHS).toContain(options.queryLength);
      expect(CLARITIES).toContain(options.clarity);
      expect(NUM_WORDS).toContain(options.numWords);
      expect(DIFFICULTIES).toContain(options.difficulty);
    }
    // Forty rows do not all draw the same values.
    expect(new Set(drawn.map((d) => d.numWords)).size).toBeGreaterThan(1);
    expect(new Set(drawn.map((d) => d.queryType)).size).toBeGreaterThan(1);
    // Reproducible: the same task and seed draw the same; other seeds draw differently somewhere.
    expect(new GenerateTextRetrievalData({ llm: scripted() }).renderPrompt({ task: tasks[3] })).toBe(task.renderPrompt({ task: tasks[3] }));
    const reseeded = new GenerateTextRetrievalData({ llm: scripted(), seed: 7 });
    expect(tasks.some((t) => reseeded.renderPrompt({ task: t }) !== task.renderPrompt({ task: t }))).toBe(true);
    // A set option is never drawn.
    const pinned = new GenerateTextRetrievalData({ llm: scripted(), numWords: 500 });
    expect(tasks.every((t) => sampledOptions(pinned.renderPrompt({ task: t })).numWords === 500)).toBe(true);
  });

  it("rejects options outside distilabel's lists", () => {
    expect(() => new GenerateTextRetrievalData({ llm: scripted(), numWords: 150 as 100 })).toThrow(/num_words/);
    expect(() => new GenerateTextRetrievalData({ llm: scripted(), queryType: "rare" as "common" })).toThrow(/query_type/);
    expect(() => new GenerateTextRetrievalData({ llm: scripted(), difficulty: "elementary school" as "college" })).toThrow(/difficulty/);
  });

  it("parses a fenced JSON reply with raw line breaks inside a document", () => {
    const task = new GenerateTextRetrievalData({ llm: scripted(), ...fixed });
    expect(task.formatOutput(GOOD_REPLY)).toEqual({
      user_query: "why are my monstera leaves turning yellow",
      positive_document:
        "Yellowing leaves on a Monstera deliciosa usually point to overwatering.\nLet the top five centimetres of soil dry out between waterings.",
      hard_negative_document: "Monstera deliciosa is native to the tropical forests of southern Mexico.",
    });
    expect(task.formatOutput('{"user_query": "monstera yellow leaves"}')).toEqual({
      user_query: "monstera yellow leaves",
      positive_document: null,
      hard_negative_document: null,
    });
    expect(task.formatOutput(null)).toEqual({ user_query: null, positive_document: null, hard_negative_document: null });
  });

  it("generates through the LLM; an unreadable reply keeps the row with nulls and the raw reply", async () => {
    const { context, logger } = loggedContext();
    const task = new GenerateTextRetrievalData({ llm: scripted(GOOD_REPLY, "I cannot help with that."), ...fixed, name: "retrieval" });
    const rows = await runBatch(task, [{ task: TASK }, { task: "Find patents similar to an invention." }], context);
    expect(rows[0]).toMatchObject({ task: TASK, user_query: "why are my monstera leaves turning yellow", model_name: "scripted-model" });
    expect(metaOf(rows[0]).raw_input_retrieval).toEqual(task.formatInput({ task: TASK }));
    expect(rows[1]).toMatchObject({
      task: "Find patents similar to an invention.",
      user_query: null,
      positive_document: null,
      hard_negative_document: null,
      model_name: "scripted-model",
    });
    expect(metaOf(rows[1]).raw_output_retrieval).toBe("I cannot help with that.");
    expect(logger.lines.join("\n")).toMatch(/failed to format output: the reply holds no JSON object/);
  });

  it("skips a row whose task is null (a failed upstream generation) and keeps the others", async () => {
    const task = new GenerateTextRetrievalData({ llm: scripted(GOOD_REPLY), ...fixed, name: "retrieval" });
    const rows = await runBatch(task, [{ task: null }, { task: TASK }]);
    expect(rows.map((r) => r.user_query)).toEqual([null, "why are my monstera leaves turning yellow"]);
    expect(metaOf(rows[0]).error_retrieval).toBe("input 'task' must be a non-empty string (a task definition), got null");
  });

  it("round-trips through dump and the default registry, unset options as null", () => {
    const task = new GenerateTextRetrievalData({ llm: scripted(), language: "Japanese", numWords: 300, seed: 3, name: "retrieval" });
    const dumped = task.dump();
    expect(dumped).toMatchObject({
      language: "Japanese",
      num_words: 300,
      query_type: null,
      clarity: null,
      seed: 3,
      type_info: { name: "GenerateTextRetrievalData" },
    });
    const loaded = roundTrip(task);
    expect(loaded).toBeInstanceOf(GenerateTextRetrievalData);
    expect(loaded.dump()).toEqual(dumped);
    expect(loaded.renderPrompt({ task: TASK })).toBe(task.renderPrompt({ task: TASK }));
  });
});
