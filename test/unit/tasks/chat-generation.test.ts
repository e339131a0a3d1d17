import { describe, expect, it } from "vitest";
import { ChatGeneration } from "../../../src/tasks/text-generation/chat-generation.js";
import { loggedContext, metaOf, roundTrip, runBatch, scripted } from "./generation-helpers.js";

const chat = [
  { role: "system", content: "You are terse." },
  { role: "user", content: "How much is 2+2?" },
];

describe("ChatGeneration", () => {
  it("sends the conversation as it is", () => {
    const task = new ChatGeneration({ llm: scripted() });
    expect(task.formatInput({ messages: chat })).toEqual(chat);
    expect(task.renderPrompt({ messages: chat })).toBe("[system]\nYou are terse.\n\n[user]\nHow much is 2+2?");
  });

  it("continues the conversation through the LLM", async () => {
    const rows = await runBatch(new ChatGeneration({ llm: scripted("4"), name: "chat" }), [{ messages: chat }]);
    expect(rows).toEqual([
      {
        messages: chat,
        generation: "4",
        model_name: "scripted-model",
        distilabel_metadata: { raw_output_chat: "4", raw_input_chat: chat, statistics_chat: { input_tokens: 4, output_tokens: 1 } },
      },
    ]);
  });

  it("gives null outputs with a warning to a row whose last message is not from the user", async () => {
    const llm = scripted("answer");
    const { context, logger } = loggedContext();
    const rows = await runBatch(
      new ChatGeneration({ llm, name: "chat" }),
      [{ messages: [...chat, { role: "assistant", content: "4" }] }, { messages: "not a chat" }, { messages: chat }],
      context,
    );
    expect(rows.map((r) => r.generation)).toEqual([null, null, "answer"]);
    expect(metaOf(rows[0]).error_chat).toMatch(/last message of 'messages' must be from the user, got 'assistant'/);
    expect(metaOf(rows[1]).error_chat).toMatch(/OpenAI-format chat/);
    expect(llm.calls).toBe(1);
    expect(logger.lines.filter((line) => line.includes("skipped a row"))).toHaveLength(2);
  });

  it("keeps null generations for every requested generation of a skipped row", async () => {
    const rows = await runBatch(new ChatGeneration({ llm: scripted("a", "b"), numGenerations: 2 }), [{ messages: [] }, { messages: chat }]);
    expect(rows.map((r) => r.generation)).toEqual([null, null, "a", "b"]);
    const grouped = await runBatch(new ChatGeneration({ llm: scripted("a", "b"), numGenerations: 2, groupGenerations: true }), [{ messages: chat }]);
    expect(grouped.map((r) => r.generation)).toEqual([["a", "b"]]);
  });

  it("round-trips through dump and the default registry", () => {
    const loaded = roundTrip(new ChatGeneration({ llm: scripted(), name: "c", numGenerations: 3 }));
    expect(loaded).toBeInstanceOf(ChatGeneration);
    expect(loaded.attrs.numGenerations).toBe(3);
    expect(loaded.formatInput({ messages: chat })).toEqual(chat);
  });
});
