import { describe, expect, it } from "vitest";
import { EmbeddingGeneration } from "../../../src/tasks/embeddings-data/embedding-generation.js";
import { FakeEmbeddings, fakeVector } from "../../support/fake-embeddings.js";
import { roundTrip, runStep } from "./harness.js";

describe("EmbeddingGeneration", () => {
  it("declares text in, embedding and model_name out", () => {
    const step = new EmbeddingGeneration({ embeddings: new FakeEmbeddings() });
    expect(step.inputs).toEqual(["text"]);
    expect(step.getOutputs()).toEqual(["embedding", "model_name"]);
  });

  it("encodes a batch in one call and writes each row's vector", async () => {
    const embeddings = new FakeEmbeddings({ model: "fake-small", dimensions: 3 });
    const step = new EmbeddingGeneration({ embeddings });
    const out = await runStep(step, [
      { text: "Hello", id: 1 },
      { text: "World", id: 2 },
    ]);
    expect(embeddings.loaded).toBe(1);
    expect(embeddings.batches).toEqual([["Hello", "World"]]);
    expect(out).toEqual([
      { text: "Hello", id: 1, embedding: fakeVector("Hello", 3), model_name: "fake-small" },
      { text: "World", id: 2, embedding: fakeVector("World", 3), model_name: "fake-small" },
    ]);
    expect(out[0]?.embedding).not.toEqual(out[1]?.embedding);
  });

  it("fails the batch naming the column when text is not a string", async () => {
    const step = new EmbeddingGeneration({ embeddings: new FakeEmbeddings() });
    await expect(runStep(step, [{ text: 42 }])).rejects.toThrow(/input column 'text' must be a string, got number/);
  });

  it("rejects an embeddings option that is not an Embeddings component", () => {
    expect(() => new EmbeddingGeneration({ embeddings: { model: "x" } as never })).toThrow(/invalid option 'embeddings'/);
  });

  it("round-trips through dump and load with its embeddings model", () => {
    const step = new EmbeddingGeneration({ name: "embed", embeddings: new FakeEmbeddings({ model: "fake-large", dimensions: 8 }) });
    const loaded = roundTrip(step);
    expect(loaded.dump()).toEqual(step.dump());
    expect(loaded.attrs.embeddings).toBeInstanceOf(FakeEmbeddings);
    expect(loaded.attrs.embeddings.modelName).toBe("fake-large");
  });
});
