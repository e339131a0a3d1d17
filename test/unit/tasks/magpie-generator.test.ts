import { describe, expect, it } from "vitest";
import { MagpieGenerator } from "../../../src/tasks/magpie/magpie-generator.js";
import { ScriptedLLM } from "../../support/scripted-llm.js";
import { metaOf, roundTrip, runGenerator, scripted } from "./generation-helpers.js";

describe("MagpieGenerator", () => {
  it("generates num_rows rows batch by batch, flagging the last batch", async () => {
    // Rows of a batch advance together: both user turns first, then both replies.
    const task = new MagpieGenerator({ llm: new ScriptedLLM({ replies: ["Q1 here", "Q2", "A1", "A2"] }), numRows: 3, batchSize: 2, name: "mg" });
    const first = await runGenerator(task, 0);
    expect(first.lastBatch).toBe(false);
    expect(first.rows).toEqual([
      expect.objectContaining({ instruction: "Q1 here", response: "A1", model_name: "scripted-model" }),
      expect.objectContaining({ instruction: "Q2", response: "A2" }),
    ]);
    expect(metaOf(first.rows[0]).statistics_mg).toEqual({ input_tokens: expect.any(Number), output_tokens: 3 });
    const second = await runGenerator(task, 2);
    expect(second.lastBatch).toBe(true);
    expect(second.rows).toHaveLength(1);
  });

  it("picks each row's system prompt from a seed tied to its index", () => {
    const prompts = ["You are a chef.", "You are a pilot.", "You are a gardener."];
    const task = new MagpieGenerator({ llm: scripted(), numRows: 10, systemPrompt: prompts });
    const chosen = Array.from({ length: 10 }, (_, index) => prompts.find((p) => task.renderPrompt({ index }).includes(p)));
    expect(chosen.every((p) => p !== undefined)).toBe(true);
    expect(new Set(chosen).size).toBeGreaterThan(1);
    const again = new MagpieGenerator({ llm: scripted(), numRows: 10, systemPrompt: prompts });
    expect(Array.from({ length: 10 }, (_, index) => again.renderPrompt({ index }))).toEqual(
      Array.from({ length: 10 }, (_, index) => task.renderPrompt({ index })),
    );
  });

  it("writes conversations with several turns and the system prompt key for named prompts", async () => {
    const task = new MagpieGenerator({ llm: scripted("q1", "a1", "q2", "a2"), numRows: 1, nTurns: 2, systemPrompt: { cooking: "You are a chef." } });
    expect(task.outputs).toEqual(["conversation", "system_prompt_key", "model_name"]);
    const { rows } = await runGenerator(task);
    expect(rows[0]).toMatchObject({
      system_prompt_key: "cooking",
      conversation: [
        { role: "user", content: "q1" },
        { role: "assistant", content: "a1" },
        { role: "user", content: "q2" },
        { role: "assistant", content: "a2" },
      ],
    });
  });

  it("round-trips through dump and the default registry", () => {
    const task = new MagpieGenerator({ llm: scripted(), numRows: 5, onlyInstruction: true, systemPrompt: "S" });
    const loaded = roundTrip(task);
    expect(loaded).toBeInstanceOf(MagpieGenerator);
    expect(loaded.dump()).toMatchObject({ num_rows: 5, only_instruction: true, system_prompt: "S" });
    expect(loaded.renderPrompt({ index: 2 })).toBe(task.renderPrompt({ index: 2 }));
  });
});
