import { describe, expect, it } from "vitest";
import { OptionError } from "../../../src/errors.js";
import { cleanTurn } from "../../../src/tasks/magpie/magpie-conversation.js";
import { Magpie } from "../../../src/tasks/magpie/magpie.js";
import { MAGPIE_MULTI_TURN_SYSTEM_PROMPT } from "../../../src/tasks/templates/magpie.js";
import { ScriptedLLM } from "../../support/scripted-llm.js";
import { loggedContext, metaOf, roundTrip, runBatch, scripted } from "./generation-helpers.js";

const LLAMA3_USER_OPEN = "<|start_header_id|>user<|end_header_id|>\n\n";

describe("Magpie prompts", () => {
  it("sends Llama 3's chat template cut at the user header, as a raw string", () => {
    const task = new Magpie({ llm: scripted() });
    expect(task.formatInput({ system_prompt: "You are a math tutor." })).toBe(
      `<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are a math tutor.<|eot_id|>${LLAMA3_USER_OPEN}`,
    );
    expect(task.formatInput({})).toBe(`<|begin_of_text|>${LLAMA3_USER_OPEN}`);
    expect(task.renderPrompt({})).toBe(`<|begin_of_text|>${LLAMA3_USER_OPEN}`);
  });

  it("sends Qwen 2's ChatML format with magpie_pre_query_template 'qwen2'", () => {
    const task = new Magpie({ llm: scripted(), magpiePreQueryTemplate: "qwen2" });
    expect(task.formatInput({ system_prompt: "Be kind." })).toBe("<|im_start|>system\nBe kind.<|im_end|>\n<|im_start|>user\n");
  });

  it("needs a chat template with a custom pre-query template", () => {
    expect(() => new Magpie({ llm: scripted(), magpiePreQueryTemplate: "<user>" })).toThrow(OptionError);
    expect(() => new Magpie({ llm: scripted(), magpiePreQueryTemplate: "<user>" })).toThrow(/needs a chat_template/);
    const task = new Magpie({
      llm: scripted(),
      magpiePreQueryTemplate: "<user>",
      chatTemplate: "{% for m in messages %}<{{ m.role }}>{{ m.content }}</{{ m.role }}>{% endfor %}{% if add_generation_prompt %}<assistant>{% endif %}",
    });
    expect(task.formatInput({ system_prompt: "S" })).toBe("<system>S</system><user>");
    expect(() => new Magpie({ llm: scripted(), magpiePreQueryTemplate: "<user>", chatTemplate: "{% for m in messages %}" })).toThrow(/option 'chat_template'/);
  });

  it("uses the multi-turn system prompt when several turns have no system prompt", () => {
    expect(new Magpie({ llm: scripted(), nTurns: 2 }).formatInput({})).toContain(MAGPIE_MULTI_TURN_SYSTEM_PROMPT);
    expect(new Magpie({ llm: scripted(), nTurns: 2, onlyInstruction: true }).formatInput({})).not.toContain(MAGPIE_MULTI_TURN_SYSTEM_PROMPT);
  });

  it("cuts completions at the first end-of-turn token", () => {
    expect(cleanTurn("  How do I factor x^2-1?<|eot_id|><|start_header_id|>assistant")).toBe("How do I factor x^2-1?");
    expect(cleanTurn("Hi there<|im_end|>\n")).toBe("Hi there");
  });
});

describe("Magpie generation", () => {
  it("writes an instruction and its response for one turn", async () => {
    const llm = new ScriptedLLM({ replies: ["What is a prime number?<|eot_id|>", "A number with exactly two divisors."] });
    const rows = await runBatch(new Magpie({ llm, name: "magpie" }), [{ system_prompt: "You are a math tutor." }]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      system_prompt: "You are a math tutor.",
      instruction: "What is a prime number?",
      response: "A number with exactly two divisors.",
      model_name: "scripted-model",
    });
    const meta = metaOf(rows[0]);
    expect(meta.raw_input_magpie).toBe(
      "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are a math tutor.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nWhat is a prime number?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n",
    );
    expect(meta.raw_output_magpie).toBe("A number with exactly two divisors.");
    expect(meta.statistics_magpie).toEqual({ input_tokens: expect.any(Number), output_tokens: 11 });
  });

  it("builds multi-turn conversations, with or without the system prompt, ending with the user if asked", async () => {
    const replies = ["Q1", "A1", "Q2", "A2"];
    const rows = await runBatch(new Magpie({ llm: scripted(...replies), nTurns: 2 }), [{}]);
    expect(rows[0]?.conversation).toEqual([
      { role: "user", content: "Q1" },
      { role: "assistant", content: "A1" },
      { role: "user", content: "Q2" },
      { role: "assistant", content: "A2" },
    ]);
    const withSystem = await runBatch(new Magpie({ llm: scripted(...replies), nTurns: 2, includeSystemPrompt: true }), [{}]);
    expect((withSystem[0]?.conversation as unknown[] | undefined)?.[0]).toEqual({ role: "system", content: MAGPIE_MULTI_TURN_SYSTEM_PROMPT });
    const endsWithUser = await runBatch(new Magpie({ llm: scripted(...replies), nTurns: 2, endWithUser: true }), [{}]);
    expect((endsWithUser[0]?.conversation as Array<{ role: string }> | undefined)?.map((m) => m.role)).toEqual(["user", "assistant", "user"]);
  });

  it("writes only the instruction with only_instruction, one call per row", async () => {
    const llm = scripted("Plan a trip to Kyoto.", "Explain tides.");
    const task = new Magpie({ llm, onlyInstruction: true, nTurns: 3 });
    expect(task.outputs).toEqual(["instruction", "model_name"]);
    const rows = await runBatch(task, [{}, {}]);
    expect(rows.map((r) => r.instruction)).toEqual(["Plan a trip to Kyoto.", "Explain tides."]);
    expect(llm.calls).toBe(2);
  });

  it("draws named system prompts by their weights and reports the key", async () => {
    const systemPrompt = { math: ["You teach math.", 0.5], code: ["You write code.", 0.5] } as Record<string, [string, number]>;
    const task = new Magpie({ llm: new ScriptedLLM({ replies: ["q", "a"] }), systemPrompt, onlyInstruction: true });
    expect(task.outputs).toEqual(["instruction", "system_prompt_key", "model_name"]);
    const rows = await runBatch(
      task,
      Array.from({ length: 20 }, () => ({})),
    );
    const keys = new Set(rows.map((r) => r.system_prompt_key));
    expect(keys).toEqual(new Set(["math", "code"]));
    const again = await runBatch(
      new Magpie({ llm: new ScriptedLLM({ replies: ["q", "a"] }), systemPrompt, onlyInstruction: true }),
      Array.from({ length: 20 }, () => ({})),
    );
    expect(again.map((r) => r.system_prompt_key)).toEqual(rows.map((r) => r.system_prompt_key));
  });

  it("rejects weights that do not add up to 1 or that mix weighted and plain prompts", () => {
    expect(() => new Magpie({ llm: scripted(), systemPrompt: { a: ["x", 0.5], b: ["y", 0.2] } })).toThrow(/add up to 0.7, not 1.0/);
    expect(() => new Magpie({ llm: scripted(), systemPrompt: { a: ["x", 1], b: "y" } })).toThrow(/mixes weighted/);
  });

  it("nulls a conversation whose turn comes back empty and keeps the raw output", async () => {
    const { context, logger } = loggedContext();
    const rows = await runBatch(new Magpie({ llm: scripted("<|eot_id|>"), name: "magpie" }), [{}], context);
    expect(rows[0]).toMatchObject({ instruction: null, response: null });
    expect(metaOf(rows[0])).toMatchObject({ raw_output_magpie: "<|eot_id|>", error_magpie: "the user turn came back empty" });
    expect(logger.lines.join("\n")).toMatch(/1 of 1 conversations failed/);
  });

  it("makes num_generations conversations per row, one row each or grouped", async () => {
    // Conversations advance together: both user turns are generated, then both replies.
    const rows = await runBatch(new Magpie({ llm: scripted("q1", "q2", "a1", "a2"), numGenerations: 2 }), [{}]);
    expect(rows.map((r) => [r.instruction, r.response])).toEqual([
      ["q1", "a1"],
      ["q2", "a2"],
    ]);
    const grouped = await runBatch(new Magpie({ llm: scripted("q1", "q2", "a1", "a2"), numGenerations: 2, groupGenerations: true }), [{}]);
    expect(grouped).toHaveLength(1);
    expect(grouped[0]).toMatchObject({ instruction: ["q1", "q2"], response: ["a1", "a2"], model_name: "scripted-model" });
  });

  it("round-trips through dump and the default registry", () => {
    const task = new Magpie({ llm: scripted(), nTurns: 3, systemPrompt: ["a", "b"], magpiePreQueryTemplate: "qwen2", name: "m" });
    const loaded = roundTrip(task);
    expect(loaded).toBeInstanceOf(Magpie);
    expect(loaded.dump()).toMatchObject({ n_turns: 3, system_prompt: ["a", "b"], magpie_pre_query_template: "qwen2" });
    expect(loaded.formatInput({})).toBe(task.formatInput({}));
  });
});
