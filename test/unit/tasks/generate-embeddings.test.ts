import { describe, expect, it } from "vitest";
import { chatToText, GenerateEmbeddings } from "../../../src/tasks/embeddings-data/generate-embeddings.js";
import { FakeEmbeddings, fakeVector } from "../../support/fake-embeddings.js";
import { roundTrip, runStep } from "./harness.js";

const chat = [
  { role: "system" as const, content: "Be brief." },
  {
    role: "user" as const,
    content: [
      { type: "text" as const, text: "What is this?" },
      { type: "image_url" as const, image_url: { url: "data:image/png;base64,AAA" } },
    ],
  },
  { role: "assistant" as const, content: "A cat." },
];

describe("chatToText", () => {
  it("writes each message as role: content, separated by blank lines, without images", () => {
    expect(chatToText(chat)).toBe("system: Be brief.\n\nuser: What is this?\n\nassistant: A cat.");
  });
});

describe("GenerateEmbeddings", () => {
  it("embeds plain texts and flattened conversations", async () => {
    const embeddings = new FakeEmbeddings({ dimensions: 5 });
    const step = new GenerateEmbeddings({ embeddings });
    const out = await runStep(step, [{ text: "Hello, how are you?" }, { text: chat }]);
    expect(embeddings.batches).toEqual([["Hello, how are you?", chatToText(chat)]]);
    expect(out[0]?.embedding).toEqual(fakeVector("Hello, how are you?", 5));
    expect(out[1]?.embedding).toEqual(fakeVector(chatToText(chat), 5));
    expect(out[1]?.text).toEqual(chat);
    expect(out.map((r) => r.model_name)).toEqual(["fake-embeddings", "fake-embeddings"]);
  });

  it("fails the batch when text is neither a string nor a chat", async () => {
    const step = new GenerateEmbeddings({ embeddings: new FakeEmbeddings() });
    await expect(runStep(step, [{ text: [{ speaker: "me", words: "hi" }] }])).rejects.toThrow(
      /input column 'text' must be a string or a list of \{role, content\} messages/,
    );
  });

  it("fails the batch when the model returns fewer vectors than texts", async () => {
    class ShortEmbeddings extends FakeEmbeddings {
      override async encode(): Promise<number[][]> {
        return [[1]];
      }
    }
    const step = new GenerateEmbeddings({ name: "emb", embeddings: new ShortEmbeddings() });
    await expect(runStep(step, [{ text: "a" }, { text: "b" }])).rejects.toThrow(/returned 1 embeddings for 2 texts/);
  });

  it("round-trips through dump and load", () => {
    const step = new GenerateEmbeddings({ name: "emb", embeddings: new FakeEmbeddings({ dimensions: 2 }) });
    const loaded = roundTrip(step);
    expect(loaded.dump()).toEqual(step.dump());
    expect(loaded).toBeInstanceOf(GenerateEmbeddings);
  });
});
