import { describe, expect, it } from "vitest";
import { EvolComplexityGenerator } from "../../../src/tasks/evol/evol-complexity-generator.js";
import { EvolInstructGenerator } from "../../../src/tasks/evol/evol-instruct-generator.js";
import { EVOL_SEED_WORDS } from "../../../src/tasks/evol/evol-seed-words.js";
import { ScriptedLLM } from "../../support/scripted-llm.js";
import { loggedContext, metaOf, roundTrip, runGenerator, scripted } from "./generation-helpers.js";

describe("EvolInstructGenerator", () => {
  it("starts each instruction from a request built around random seed words, seeded by its index", () => {
    const task = new EvolInstructGenerator({ llm: scripted(), numInstructions: 5 });
    const prompt = task.renderPrompt({ index: 3 });
    const match = /^\[user\]\nWrite one question or request that uses one or more of these words: (.+)$/.exec(prompt);
    expect(match).not.toBeNull();
    const words = (match?.[1] ?? "").split(", ");
    expect(words.length).toBeGreaterThanOrEqual(1);
    expect(words.length).toBeLessThanOrEqual(4);
    expect(words.every((w) => EVOL_SEED_WORDS.includes(w))).toBe(true);
    expect(new EvolInstructGenerator({ llm: scripted(), numInstructions: 5 }).renderPrompt({ index: 3 })).toBe(prompt);
    expect(task.renderPrompt({ index: 4 })).not.toBe(prompt);
  });

  it("generates batch by batch up to num_instructions, flagging the last batch", async () => {
    const task = new EvolInstructGenerator({
      llm: scripted("Plan a picnic by the lighthouse."),
      numInstructions: 3,
      batchSize: 2,
      minLength: 5,
      maxLength: 100,
      name: "gen",
    });
    const first = await runGenerator(task, 0);
    expect(first.lastBatch).toBe(false);
    expect(first.rows).toHaveLength(2);
    expect(first.rows[0]).toMatchObject({ instruction: "Plan a picnic by the lighthouse.", model_name: "scripted-model" });
    expect(metaOf(first.rows[0]).statistics_gen).toEqual({ input_tokens: expect.any(Number), output_tokens: 6 });
    const second = await runGenerator(task, 2);
    expect(second).toMatchObject({ lastBatch: true, rows: [{ instruction: "Plan a picnic by the lighthouse." }] });
  });

  it("keeps evolving an instruction until its length is within bounds", async () => {
    const llm = new ScriptedLLM({ replies: ["too long ".repeat(10), "#Rewritten Prompt#: just right"] });
    const mutationTemplates = { FRESH_START: "Start from: {{ prompt }}", SHORTEN: "Shorten: {{ prompt }}" };
    const { rows } = await runGenerator(new EvolInstructGenerator({ llm, numInstructions: 1, minLength: 5, maxLength: 20, mutationTemplates, name: "gen" }));
    expect(rows[0]?.instruction).toBe("just right");
    expect(llm.calls).toBe(2);
    // The second prompt either mutates the rejected text or starts over from new seed words.
    const raw = metaOf(rows[0]).raw_input_gen as Array<{ content: string }>;
    expect(raw[0]?.content).toMatch(/^(Shorten: (too long ){9}too long|Start from: \w+)/);
  });

  it("gives up after max_attempts with a null row and the reason", async () => {
    const { context, logger } = loggedContext();
    const { rows } = await runGenerator(
      new EvolInstructGenerator({ llm: scripted("tiny"), numInstructions: 1, minLength: 50, maxAttempts: 3, name: "gen" }),
      0,
      context,
    );
    expect(rows[0]?.instruction).toBeNull();
    expect(metaOf(rows[0]).error_gen).toMatch(/after 3 attempts/);
    expect(metaOf(rows[0]).raw_output_gen).toBe("tiny");
    expect(logger.lines.join("\n")).toMatch(/1 of 1 instructions did not converge/);
  });

  it("answers the instructions when asked", async () => {
    const { rows } = await runGenerator(
      new EvolInstructGenerator({ llm: scripted("Name a fossil.", "Ammonite."), numInstructions: 1, minLength: 1, generateAnswers: true }),
    );
    expect(rows[0]).toMatchObject({ instruction: "Name a fossil.", answer: "Ammonite." });
  });

  it("rejects templates without FRESH_START and min_length above max_length", () => {
    expect(() => new EvolInstructGenerator({ llm: scripted(), numInstructions: 1, mutationTemplates: { A: "{{ prompt }}" } })).toThrow(
      /needs a 'FRESH_START' template/,
    );
    expect(() => new EvolInstructGenerator({ llm: scripted(), numInstructions: 1, minLength: 10, maxLength: 5 })).toThrow(
      /min_length \(10\) is greater than max_length \(5\)/,
    );
  });

  it("round-trips through dump and the default registry", () => {
    const task = new EvolInstructGenerator({ llm: scripted(), numInstructions: 4, minLength: 10, seed: 9 });
    const loaded = roundTrip(task);
    expect(loaded).toBeInstanceOf(EvolInstructGenerator);
    expect(loaded.renderPrompt({ index: 1 })).toBe(task.renderPrompt({ index: 1 }));
    expect(loaded.dump()).toMatchObject({ num_instructions: 4, min_length: 10, max_length: 1024, seed: 9, max_attempts: 10 });
  });
});

describe("EvolComplexityGenerator", () => {
  it("has a fresh start plus the complexity mutations and round-trips by name", async () => {
    const task = new EvolComplexityGenerator({ llm: scripted("A long enough instruction."), numInstructions: 1, minLength: 5 });
    expect(Object.keys(task.attrs.mutationTemplates)).toEqual(["FRESH_START", "CONSTRAINTS", "DEEPENING", "CONCRETIZING", "INCREASED_REASONING_STEPS"]);
    expect((await runGenerator(task)).rows[0]?.instruction).toBe("A long enough instruction.");
    expect(roundTrip(task)).toBeInstanceOf(EvolComplexityGenerator);
  });
});
