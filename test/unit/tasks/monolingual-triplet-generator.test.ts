import { describe, expect, it } from "vitest";
import { HIGH_SCORES, LOW_SCORES, TRIPLET_DIFFICULTIES, UNITS } from "../../../src/tasks/embeddings-data/embedding-data-options.js";
import { MonolingualTripletGenerator } from "../../../src/tasks/embeddings-data/monolingual-triplet-generator.js";
import { ScriptedLLM } from "../../support/scripted-llm.js";
import { loggedContext, metaOf, roundTrip, runGenerator, scripted } from "./generation-helpers.js";

const TRIPLET = '{"S1": "The cat sleeps on the warm windowsill.", "S2": "A cat is napping on the sunny window ledge.", "S3": "The dog sleeps in its kennel."}';
const fixed = { unit: "sentence", difficulty: "high school", highScore: "4.5", lowScore: "2.5" } as const;

describe("MonolingualTripletGenerator", () => {
  it("renders the unit, language, scores and difficulty", () => {
    const task = new MonolingualTripletGenerator({ llm: scripted(), language: "Italian", ...fixed });
    expect(task.renderPrompt()).toBe(`[user]
Write three texts, each a sentence in Italian, whose meanings are similar to different degrees. Similarity is scored from 1 (unrelated) to 5 (same meaning).

Return them as a JSON object with exactly the keys "S1", "S2" and "S3", each holding one sentence as a string.

Requirements:
- The three sentences share some words.
- S2 is similar to S1 with a score of 4.5.
- S3 is similar to S1 with a score of 2.5.
- Understanding them takes a high school level of education; choose any topic and vary their length.

Reply with the JSON object only, with no text before or after it.`);
    expect(task.getOutputs()).toEqual(["S1", "S2", "S3", "model_name", "distilabel_metadata"]);
  });

  it("draws unset options from distilabel's lists with the seed", () => {
    const read = (prompt: string) => ({
      unit: /each a (\w+) in English/.exec(prompt)?.[1],
      high: /S2 is similar to S1 with a score of ([\d.]+)\./.exec(prompt)?.[1],
      low: /S3 is similar to S1 with a score of ([\d.]+)\./.exec(prompt)?.[1],
      difficulty: /takes an? (.+?) level of education/.exec(prompt)?.[1],
    });
    const prompts = Array.from({ length: 25 }, (_, seed) => new MonolingualTripletGenerator({ llm: scripted(), seed }).renderPrompt());
    for (const options of prompts.map(read)) {
      expect(UNITS).toContain(options.unit);
      expect(HIGH_SCORES).toContain(options.high);
      expect(LOW_SCORES).toContain(options.low);
      expect(TRIPLET_DIFFICULTIES).toContain(options.difficulty);
    }
    expect(new Set(prompts).size).toBeGreaterThan(1);
    expect(new MonolingualTripletGenerator({ llm: scripted(), seed: 4 }).renderPrompt()).toBe(prompts[4]);
  });

  it("rejects scores outside distilabel's lists", () => {
    expect(() => new MonolingualTripletGenerator({ llm: scripted(), highScore: "3" as "4" })).toThrow(/high_score/);
    expect(() => new MonolingualTripletGenerator({ llm: scripted(), unit: "word" as "phrase" })).toThrow(/unit/);
  });

  it("parses the triplet and nulls what is missing", () => {
    const task = new MonolingualTripletGenerator({ llm: scripted() });
    expect(task.formatOutput(TRIPLET)).toEqual({
      S1: "The cat sleeps on the warm windowsill.",
      S2: "A cat is napping on the sunny window ledge.",
      S3: "The dog sleeps in its kennel.",
    });
    expect(task.formatOutput('```json\n{"S1": "a", "S2": "b"}\n```')).toEqual({ S1: "a", S2: "b", S3: null });
    expect(() => task.formatOutput("S1: a\nS2: b\nS3: c")).toThrow(/no JSON object/);
  });

  it("sends one prompt with num_generations and yields every row in one last batch", async () => {
    const { context, logger } = loggedContext();
    const llm = new ScriptedLLM({ replies: [TRIPLET, "Here are three sentences about cats.", TRIPLET] });
    const task = new MonolingualTripletGenerator({ llm, ...fixed, numGenerations: 3, batchSize: 1, name: "sts" });
    const { rows, lastBatch } = await runGenerator(task, 0, context);
    expect(lastBatch).toBe(true);
    expect(rows.map((r) => r.S1)).toEqual(["The cat sleeps on the warm windowsill.", null, "The cat sleeps on the warm windowsill."]);
    expect(rows.every((r) => r.model_name === "scripted-model")).toBe(true);
    expect(metaOf(rows[1]).raw_output_sts).toBe("Here are three sentences about cats.");
    expect(metaOf(rows[0]).raw_input_sts).toEqual(task.formatInput({}));
    expect(logger.lines.join("\n")).toMatch(/failed to format output/);
    expect(await runGenerator(task, 3)).toEqual({ rows: [], lastBatch: true });
  });

  it("round-trips through dump and the default registry", () => {
    const task = new MonolingualTripletGenerator({ llm: scripted(), language: "Thai", unit: "passage", seed: 11, name: "sts" });
    expect(task.dump()).toMatchObject({
      language: "Thai",
      unit: "passage",
      difficulty: null,
      high_score: null,
      seed: 11,
      type_info: { name: "MonolingualTripletGenerator" },
    });
    const loaded = roundTrip(task);
    expect(loaded).toBeInstanceOf(MonolingualTripletGenerator);
    expect(loaded.dump()).toEqual(task.dump());
    expect(loaded.renderPrompt()).toBe(task.renderPrompt());
  });
});
