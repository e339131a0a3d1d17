import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createDefaultRegistry } from "../../../src/default-registry.js";
import type { BaseStep } from "../../../src/steps/base-step.js";
import { testContext } from "../../support/test-context.js";
import {
  ConversationTemplate,
  FormatChatGenerationDPO,
  FormatChatGenerationSFT,
  FormatTextGenerationDPO,
  FormatTextGenerationSFT,
} from "../../../src/steps/builtin/index.js";

const ctx = testContext();
/** SHA-256 of "What's 2+2?" as printed in distilabel's docstrings. */
const TWO_PLUS_TWO_ID = "7762ecf17ad41479767061a8f4a7bfa3b63d371672af5180872f9b82b4cd4e29";
const user = (content: string) => ({ role: "user", content });
const assistant = (content: string) => ({ role: "assistant", content });

function reload(step: BaseStep): Record<string, unknown> {
  return createDefaultRegistry().load<BaseStep>(step.dump(), "step").dump();
}

describe("ConversationTemplate", () => {
  it("builds a user/assistant conversation and keeps the row's columns", async () => {
    const step = new ConversationTemplate({ pipeline: null });
    const rows = await step.process([[{ instruction: "Hello", response: "Hi" }]], ctx);
    expect(rows).toEqual([{ instruction: "Hello", response: "Hi", conversation: [user("Hello"), assistant("Hi")] }]);
    expect(step.inputs).toEqual(["instruction", "response"]);
    expect(step.outputs).toEqual(["conversation"]);
  });

  it("fails when a row has no response", async () => {
    const step = new ConversationTemplate({ name: "conv", pipeline: null });
    await expect(step.process([[{ instruction: "Hello" }]], ctx)).rejects.toThrow("Step 'conv': row 0, column 'response': the row has no such column");
  });

  it("round-trips its dump", () => {
    const step = new ConversationTemplate({ pipeline: null });
    expect(step.dump()).toMatchObject({ name: "conversation_template_0", type_info: { name: "ConversationTemplate" } });
    expect(reload(step)).toEqual(step.dump());
  });
});

describe("FormatTextGenerationSFT", () => {
  it("writes prompt, its SHA-256 prompt_id and the messages (distilabel's docstring example)", async () => {
    const step = new FormatTextGenerationSFT({ pipeline: null });
    const rows = await step.process([[{ instruction: "What's 2+2?", generation: "4" }]], ctx);
    expect(rows).toEqual([
      { instruction: "What's 2+2?", generation: "4", prompt: "What's 2+2?", prompt_id: TWO_PLUS_TWO_ID, messages: [user("What's 2+2?"), assistant("4")] },
    ]);
  });

  it("prepends a non-empty string system_prompt and ignores an empty one", async () => {
    const step = new FormatTextGenerationSFT({ pipeline: null });
    const rows = await step.process(
      [
        [
          { system_prompt: "Be terse.", instruction: "Hi", generation: "Hello" },
          { system_prompt: "", instruction: "Hi", generation: "Hello" },
          { system_prompt: null, instruction: "Hi", generation: "Hello" },
        ],
      ],
      ctx,
    );
    expect(rows[0]?.messages).toEqual([{ role: "system", content: "Be terse." }, user("Hi"), assistant("Hello")]);
    expect(rows[1]?.messages).toEqual([user("Hi"), assistant("Hello")]);
    expect(rows[2]?.messages).toEqual([user("Hi"), assistant("Hello")]);
    expect(rows[0]?.prompt_id).toBe(createHash("sha256").update("Hi", "utf8").digest("hex"));
  });

  it("hashes the UTF-8 bytes of non-ASCII prompts", async () => {
    const step = new FormatTextGenerationSFT({ pipeline: null });
    const [row] = await step.process([[{ instruction: "¿Qué es 2+2? 🤔", generation: "4" }]], ctx);
    expect(row?.prompt_id).toBe(createHash("sha256").update(Buffer.from("¿Qué es 2+2? 🤔", "utf8")).digest("hex"));
  });

  it("declares system_prompt as optional input", () => {
    const step = new FormatTextGenerationSFT({ pipeline: null });
    expect(step.inputs).toEqual({ system_prompt: false, instruction: true, generation: true });
    expect(step.outputs).toEqual(["prompt", "prompt_id", "messages"]);
  });

  it("fails when the instruction is not a string", async () => {
    const step = new FormatTextGenerationSFT({ name: "sft", pipeline: null });
    await expect(step.process([[{ instruction: null, generation: "4" }]], ctx)).rejects.toThrow(
      "Step 'sft': row 0, column 'instruction': expected a string, got null",
    );
  });

  it("round-trips its dump", () => {
    const step = new FormatTextGenerationSFT({ pipeline: null });
    expect(step.dump()).toMatchObject({ name: "format_text_generation_s_f_t_0", type_info: { name: "FormatTextGenerationSFT" } });
    expect(reload(step)).toEqual(step.dump());
  });
});

describe("FormatChatGenerationSFT", () => {
  it("takes the first user turn as prompt and appends the generation (distilabel's docstring example)", async () => {
    const step = new FormatChatGenerationSFT({ pipeline: null });
    const rows = await step.process([[{ messages: [user("What's 2+2?")], generation: "4" }]], ctx);
    expect(rows).toEqual([{ messages: [user("What's 2+2?"), assistant("4")], generation: "4", prompt: "What's 2+2?", prompt_id: TWO_PLUS_TWO_ID }]);
  });

  it("uses the first user turn of a longer chat and does not change the input row", async () => {
    const step = new FormatChatGenerationSFT({ pipeline: null });
    const messages = [{ role: "system", content: "sys" }, user("What's 2+2?"), assistant("4"), user("And 3+3?")];
    const input = { messages, generation: "6" };
    const [row] = await step.process([[input]], ctx);
    expect(row?.prompt).toBe("What's 2+2?");
    expect(row?.prompt_id).toBe(TWO_PLUS_TWO_ID);
    expect(row?.messages).toEqual([...messages, assistant("6")]);
    expect(input.messages).toHaveLength(4);
  });

  it("fails when the chat has no user turn", async () => {
    const step = new FormatChatGenerationSFT({ name: "chat", pipeline: null });
    await expect(step.process([[{ messages: [assistant("x")], generation: "4" }]], ctx)).rejects.toThrow(
      "Step 'chat': row 0, column 'messages': has no turn with role 'user' to take the prompt from",
    );
  });

  it("round-trips its dump", () => {
    const step = new FormatChatGenerationSFT({ pipeline: null });
    expect(step.dump().type_info).toEqual({ name: "FormatChatGenerationSFT" });
    expect(reload(step)).toEqual(step.dump());
  });
});

describe("FormatTextGenerationDPO", () => {
  it("picks the highest rating as chosen and the lowest as rejected (distilabel's docstring example)", async () => {
    const step = new FormatTextGenerationDPO({ pipeline: null });
    const rows = await step.process([[{ instruction: "What's 2+2?", generations: ["4", "5", "6"], ratings: [1, 0, -1] }]], ctx);
    expect(rows).toEqual([
      {
        instruction: "What's 2+2?",
        generations: ["4", "5", "6"],
        ratings: [1, 0, -1],
        prompt: "What's 2+2?",
        prompt_id: TWO_PLUS_TWO_ID,
        chosen: [user("What's 2+2?"), assistant("4")],
        chosen_rating: 1,
        rejected: [user("What's 2+2?"), assistant("6")],
        rejected_rating: -1,
      },
    ]);
    expect(Object.keys(rows[0] ?? {})).toEqual([
      "instruction",
      "generations",
      "ratings",
      "prompt",
      "prompt_id",
      "chosen",
      "chosen_rating",
      "rejected",
      "rejected_rating",
    ]);
  });

  it("adds the models of chosen and rejected when generation_models is present, and the system turn", async () => {
    const step = new FormatTextGenerationDPO({ pipeline: null });
    const [row] = await step.process(
      [[{ system_prompt: "sys", instruction: "q", generations: ["a", "b", "c"], generation_models: ["m1", "m2", "m3"], ratings: [2, 5, 1] }]],
      ctx,
    );
    expect(row).toMatchObject({
      chosen: [{ role: "system", content: "sys" }, user("q"), assistant("b")],
      chosen_model: "m2",
      chosen_rating: 5,
      rejected: [{ role: "system", content: "sys" }, user("q"), assistant("c")],
      rejected_model: "m3",
      rejected_rating: 1,
    });
    expect(Object.keys(row ?? {}).slice(-8)).toEqual([
      "prompt",
      "prompt_id",
      "chosen",
      "chosen_model",
      "chosen_rating",
      "rejected",
      "rejected_model",
      "rejected_rating",
    ]);
  });

  it("resolves ties to the first index, as Python's max and min do", async () => {
    const step = new FormatTextGenerationDPO({ pipeline: null });
    const rows = await step.process(
      [
        [
          { instruction: "q", generations: ["a", "b", "c"], ratings: [3, 3, 3] },
          { instruction: "q", generations: ["a", "b", "c", "d"], ratings: [1, 4, 4, 1] },
        ],
      ],
      ctx,
    );
    expect(rows[0]).toMatchObject({ chosen: [user("q"), assistant("a")], chosen_rating: 3, rejected: [user("q"), assistant("a")], rejected_rating: 3 });
    expect(rows[1]).toMatchObject({ chosen: [user("q"), assistant("b")], chosen_rating: 4, rejected: [user("q"), assistant("a")], rejected_rating: 1 });
  });

  it("skips null ratings and gives null outputs when no rating is left", async () => {
    const step = new FormatTextGenerationDPO({ pipeline: null });
    const rows = await step.process(
      [
        [
          { instruction: "q", generations: ["a", "b", "c"], ratings: [null, 2, 7] },
          { instruction: "q", generations: ["a", "b"], ratings: [null, null], generation_models: ["m1", "m2"] },
          { instruction: "q", generations: ["a", "b"], ratings: null },
        ],
      ],
      ctx,
    );
    expect(rows[0]).toMatchObject({ chosen: [user("q"), assistant("c")], chosen_rating: 7, rejected: [user("q"), assistant("b")], rejected_rating: 2 });
    expect(rows[1]).toEqual({
      instruction: "q",
      generations: ["a", "b"],
      ratings: [null, null],
      generation_models: ["m1", "m2"],
      prompt: "q",
      prompt_id: createHash("sha256").update("q").digest("hex"),
      chosen: null,
      chosen_model: null,
      chosen_rating: null,
      rejected: null,
      rejected_model: null,
      rejected_rating: null,
    });
    expect(rows[2]).toMatchObject({ chosen: null, chosen_rating: null, rejected: null, rejected_rating: null });
    expect(rows[2]).not.toHaveProperty("chosen_model");
  });

  it("fails on a non-numeric rating or a rating without generation", async () => {
    const step = new FormatTextGenerationDPO({ name: "dpo", pipeline: null });
    await expect(step.process([[{ instruction: "q", generations: ["a"], ratings: ["high"] }]], ctx)).rejects.toThrow(
      "Step 'dpo': row 0, column 'ratings': rating 0 must be a number or null",
    );
    await expect(step.process([[{ instruction: "q", generations: ["a"], ratings: [1, 9] }]], ctx)).rejects.toThrow(
      "has 1 generations but the chosen rating is at index 1",
    );
  });

  it("declares optional system_prompt and generation_models and all eight outputs", () => {
    const step = new FormatTextGenerationDPO({ pipeline: null });
    expect(step.inputs).toEqual({ system_prompt: false, instruction: true, generations: true, generation_models: false, ratings: true });
    expect(step.outputs).toEqual(["prompt", "prompt_id", "chosen", "chosen_model", "chosen_rating", "rejected", "rejected_model", "rejected_rating"]);
  });

  it("round-trips its dump", () => {
    const step = new FormatTextGenerationDPO({ inputBatchSize: 10, pipeline: null });
    expect(step.dump()).toMatchObject({ input_batch_size: 10, type_info: { name: "FormatTextGenerationDPO" } });
    expect(reload(step)).toEqual(step.dump());
  });
});

describe("FormatChatGenerationDPO", () => {
  it("appends chosen and rejected generations to the whole chat (distilabel's docstring example)", async () => {
    const step = new FormatChatGenerationDPO({ pipeline: null });
    const rows = await step.process([[{ messages: [user("What's 2+2?")], generations: ["4", "5", "6"], ratings: [1, 0, -1] }]], ctx);
    expect(rows).toEqual([
      {
        messages: [user("What's 2+2?")],
        generations: ["4", "5", "6"],
        ratings: [1, 0, -1],
        prompt: "What's 2+2?",
        prompt_id: TWO_PLUS_TWO_ID,
        chosen: [user("What's 2+2?"), assistant("4")],
        chosen_rating: 1,
        rejected: [user("What's 2+2?"), assistant("6")],
        rejected_rating: -1,
      },
    ]);
  });

  it("keeps system turns of the chat and reports models", async () => {
    const step = new FormatChatGenerationDPO({ pipeline: null });
    const messages = [{ role: "system", content: "s" }, user("u")];
    const [row] = await step.process([[{ messages, generations: ["x", "y"], generation_models: ["m1", "m2"], ratings: [0.5, 0.9] }]], ctx);
    expect(row).toMatchObject({
      prompt: "u",
      chosen: [...messages, assistant("y")],
      chosen_model: "m2",
      chosen_rating: 0.9,
      rejected: [...messages, assistant("x")],
      rejected_model: "m1",
      rejected_rating: 0.5,
    });
  });

  it("gives null chosen/rejected when every rating is null", async () => {
    const step = new FormatChatGenerationDPO({ pipeline: null });
    const [row] = await step.process([[{ messages: [user("u")], generations: ["x", "y"], ratings: [null, null] }]], ctx);
    expect(row).toMatchObject({ prompt: "u", chosen: null, chosen_rating: null, rejected: null, rejected_rating: null });
  });

  it("round-trips its dump", () => {
    const step = new FormatChatGenerationDPO({ pipeline: null });
    expect(step.dump().type_info).toEqual({ name: "FormatChatGenerationDPO" });
    expect(reload(step)).toEqual(step.dump());
  });
});
