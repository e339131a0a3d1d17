import { describe, expect, it } from "vitest";
import { BitextRetrievalGenerator } from "../../../src/tasks/embeddings-data/bitext-retrieval-generator.js";
import { HIGH_SCORES, LOW_SCORES } from "../../../src/tasks/embeddings-data/embedding-data-options.js";
import { ScriptedLLM } from "../../support/scripted-llm.js";
import { metaOf, roundTrip, runGenerator, scripted } from "./generation-helpers.js";

const BITEXT = '{"S1": "The library opens at nine.", "S2": "La bibliothèque ouvre à neuf heures.", "S3": "La librairie est ouverte neuf."}';

describe("BitextRetrievalGenerator", () => {
  it("renders both languages, the unit, the scores and the difficulty", () => {
    const task = new BitextRetrievalGenerator({
      llm: scripted(),
      targetLanguage: "French",
      unit: "phrase",
      difficulty: "college",
      highScore: "5",
      lowScore: "3",
    });
    const prompt = task.renderPrompt();
    expect(prompt.startsWith("[user]\nWrite a phrase in English and two translations of it into French of different quality.")).toBe(true);
    expect(prompt).toContain("- S1 is written in English; S2 and S3 are written in French.");
    expect(prompt).toContain("- S2 translates S1 with a quality score of 5.");
    expect(prompt).toContain("- S3 translates S1 with a quality score of 3.");
    expect(prompt).toContain("- Understanding them takes a college level of education;");
    expect(task.getOutputs()).toEqual(["S1", "S2", "S3", "model_name", "distilabel_metadata"]);
  });

  it("requires a target language, as distilabel does", () => {
    expect(() => new BitextRetrievalGenerator({ llm: scripted() } as never)).toThrow(/target_language/);
    expect(() => new BitextRetrievalGenerator({ llm: scripted(), targetLanguage: "" })).toThrow(/target_language/);
  });

  it("draws unset scores from distilabel's lists, the same for the same seed", () => {
    const prompts = Array.from({ length: 20 }, (_, seed) => new BitextRetrievalGenerator({ llm: scripted(), targetLanguage: "Swahili", seed }).renderPrompt());
    for (const prompt of prompts) {
      expect(HIGH_SCORES).toContain(/S2 translates S1 with a quality score of ([\d.]+)\./.exec(prompt)?.[1]);
      expect(LOW_SCORES).toContain(/S3 translates S1 with a quality score of ([\d.]+)\./.exec(prompt)?.[1]);
    }
    expect(new Set(prompts).size).toBeGreaterThan(1);
    expect(new BitextRetrievalGenerator({ llm: scripted(), targetLanguage: "Swahili", seed: 2 }).renderPrompt()).toBe(prompts[2]);
  });

  it("parses the triplet, tolerating prose around it", () => {
    const task = new BitextRetrievalGenerator({ llm: scripted(), targetLanguage: "French" });
    expect(task.formatOutput(`Sure! Here is the triple:\n${BITEXT}\nI hope this helps.`)).toEqual({
      S1: "The library opens at nine.",
      S2: "La bibliothèque ouvre à neuf heures.",
      S3: "La librairie est ouverte neuf.",
    });
    expect(task.formatOutput(null)).toEqual({ S1: null, S2: null, S3: null });
  });

  it("generates num_generations rows in one last batch; a failed call gives nulls and the error", async () => {
    const task = new BitextRetrievalGenerator({ llm: scripted(BITEXT), targetLanguage: "French", numGenerations: 2, name: "bitext" });
    const { rows, lastBatch } = await runGenerator(task);
    expect(lastBatch).toBe(true);
    expect(rows.map((r) => [r.S1, r.S2, r.model_name])).toEqual([
      ["The library opens at nine.", "La bibliothèque ouvre à neuf heures.", "scripted-model"],
      ["The library opens at nine.", "La bibliothèque ouvre à neuf heures.", "scripted-model"],
    ]);
    expect(metaOf(rows[0]).raw_output_bitext).toBe(BITEXT);

    const failing = new BitextRetrievalGenerator({ llm: new ScriptedLLM({ failOn: "translations" }), targetLanguage: "French", name: "bitext" });
    const failed = await runGenerator(failing);
    expect(failed.rows).toHaveLength(1);
    expect(failed.rows[0]).toMatchObject({ S1: null, S2: null, S3: null, model_name: "scripted-model" });
    expect(metaOf(failed.rows[0]).error_bitext).toMatch(/scripted failure/);
  });

  it("round-trips through dump and the default registry", () => {
    const task = new BitextRetrievalGenerator({ llm: scripted(), sourceLanguage: "Spanish", targetLanguage: "Catalan", lowScore: "3.5", name: "bitext" });
    expect(task.dump()).toMatchObject({
      source_language: "Spanish",
      target_language: "Catalan",
      low_score: "3.5",
      unit: null,
      type_info: { name: "BitextRetrievalGenerator" },
    });
    const loaded = roundTrip(task);
    expect(loaded).toBeInstanceOf(BitextRetrievalGenerator);
    expect(loaded.dump()).toEqual(task.dump());
    expect(loaded.renderPrompt()).toBe(task.renderPrompt());
  });
});
