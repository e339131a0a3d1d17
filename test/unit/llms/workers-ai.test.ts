import { describe, expect, it } from "vitest";
import { WorkersAIEmbeddings } from "../../../src/llms/embeddings/workers-ai-embeddings.js";
import { WorkersAILLM } from "../../../src/llms/providers/workers-ai-llm.js";
import { FakeAiBinding } from "./support/fake-ai-binding.js";
import { FAST_RETRIES, llmContext } from "./support/llm-context.js";

function contextWith(binding: unknown, name = "AI") {
  return llmContext({ services: { binding: (requested) => (requested === name ? binding : undefined) } });
}

function makeLLM(options: Partial<ConstructorParameters<typeof WorkersAILLM>[0]> = {}): WorkersAILLM {
  const llm = new WorkersAILLM({ model: "@cf/meta/llama-3.1-8b-instruct", ...options });
  llm.retryTiming = FAST_RETRIES;
  return llm;
}

describe("WorkersAILLM", () => {
  it("sends chats as messages with the sampling kwargs and reads the usage", async () => {
    const ai = new FakeAiBinding(() => ({ response: "Paris.", usage: { prompt_tokens: 12, completion_tokens: 2, total_tokens: 14 } }));
    const llm = makeLLM({ generationKwargs: { max_new_tokens: 64, temperature: 0.2, seed: 7 } });
    const [output] = await llm.generate([[{ role: "user", content: "Capital of France?" }]], { numGenerations: 1, context: contextWith(ai) });
    expect(output).toEqual({ generations: ["Paris."], statistics: { input_tokens: [12], output_tokens: [2] } });
    expect(ai.calls[0]?.model).toBe("@cf/meta/llama-3.1-8b-instruct");
    expect(ai.calls[0]?.inputs).toEqual({ messages: [{ role: "user", content: "Capital of France?" }], max_tokens: 64, temperature: 0.2, seed: 7 });
    expect(ai.calls[0]?.options?.signal).toBeInstanceOf(AbortSignal);
  });

  it("sends raw strings as a raw prompt, one call per generation, and routes through a gateway", async () => {
    const ai = new FakeAiBinding((_, i) => ({ response: `gen ${i}` }));
    const llm = makeLLM({ gateway: { id: "my-gateway", skip_cache: true } });
    const [output] = await llm.generate(["<|start_header_id|>user<|end_header_id|>\n\n"], { numGenerations: 2, context: contextWith(ai) });
    expect(output?.generations).toEqual(["gen 0", "gen 1"]);
    expect(output?.statistics).toEqual({ input_tokens: [-1, -1], output_tokens: [-1, -1] });
    expect(ai.calls.map((c) => c.inputs)).toEqual([
      { prompt: "<|start_header_id|>user<|end_header_id|>\n\n", raw: true },
      { prompt: "<|start_header_id|>user<|end_header_id|>\n\n", raw: true },
    ]);
    expect(ai.calls[0]?.options?.gateway).toEqual({ id: "my-gateway", skipCache: true });
  });

  it("asks for JSON mode and accepts an object reply, rejecting one that misses the schema", async () => {
    const schema = { type: "object", properties: { city: { type: "string" } }, required: ["city"] };
    const replies: unknown[] = [{ response: { city: "Paris" } }, { response: { town: "Lyon" } }];
    const ai = new FakeAiBinding((_, i) => replies[i]);
    const llm = makeLLM({ structuredOutput: { format: "json", schema } });
    const context = contextWith(ai);
    const [good] = await llm.generate([[{ role: "user", content: "a" }]], { numGenerations: 1, context });
    const [bad] = await llm.generate([[{ role: "user", content: "b" }]], { numGenerations: 1, context });
    expect(ai.calls[0]?.inputs.response_format).toEqual({ type: "json_schema", json_schema: schema });
    expect(good?.generations).toEqual(['{"city":"Paris"}']);
    expect(bad?.generations).toEqual([null]);
    expect(bad?.error).toBe("reply does not match the JSON schema: city: Invalid input: expected string, received undefined");
  });

  it("reads OpenAI-style replies of newer models", async () => {
    const ai = new FakeAiBinding(() => ({
      choices: [{ message: { content: "hi" }, finish_reason: "stop" }],
      usage: { prompt_tokens: 3, completion_tokens: 1 },
    }));
    const [output] = await makeLLM({ model: "@cf/openai/gpt-oss-20b" }).generate([[{ role: "user", content: "x" }]], {
      numGenerations: 1,
      context: contextWith(ai),
    });
    expect(output).toEqual({ generations: ["hi"], statistics: { input_tokens: [3], output_tokens: [1] } });
  });

  it("retries a capacity error and fails a bad request at once", async () => {
    let calls = 0;
    const ai = new FakeAiBinding((call) => {
      calls++;
      if (String(call.inputs.messages && (call.inputs.messages as Array<{ content: string }>)[0]?.content) === "bad")
        throw new Error("5006: Error: oneOf at '/' not met");
      if (calls === 1) throw new Error("3040: Capacity temporarily exceeded, please try again.");
      return { response: "ok" };
    });
    const llm = makeLLM();
    const context = contextWith(ai);
    const [ok] = await llm.generate([[{ role: "user", content: "good" }]], { numGenerations: 1, context });
    const [bad] = await llm.generate([[{ role: "user", content: "bad" }]], { numGenerations: 1, context });
    expect(ok?.generations).toEqual(["ok"]);
    expect(bad?.generations).toEqual([null]);
    expect(bad?.error).toBe("WorkersAILLM (@cf/meta/llama-3.1-8b-instruct) request failed: 5006: Error: oneOf at '/' not met");
    expect(calls).toBe(3);
  });

  it("names the wrangler config when the AI binding is missing", async () => {
    const llm = makeLLM();
    await expect(llm.load(llmContext())).rejects.toThrow(/needs the Workers AI binding 'AI': add `\[ai\]\nbinding = "AI"` to wrangler.toml/);
    const [output] = await llm.generate([[{ role: "user", content: "x" }]], { numGenerations: 1, context: llmContext() });
    expect(output?.error).toMatch(/needs the Workers AI binding 'AI'/);
  });
});

describe("WorkersAIEmbeddings", () => {
  it("embeds in batches of at most batch_size texts, keeping order", async () => {
    const ai = new FakeAiBinding((call) => {
      const texts = call.inputs.text as string[];
      return { shape: [texts.length, 2], data: texts.map((t) => [t.length, Number(t.slice(1))]) };
    });
    const embeddings = new WorkersAIEmbeddings({ batchSize: 2 });
    const texts = ["t1", "t22", "t333", "t4444", "t5"];
    const vectors = await embeddings.encode(texts, contextWith(ai));
    expect(vectors).toEqual([
      [2, 1],
      [3, 22],
      [4, 333],
      [5, 4444],
      [2, 5],
    ]);
    expect(ai.calls.map((c) => [c.model, (c.inputs.text as string[]).length])).toEqual([
      ["@cf/baai/bge-base-en-v1.5", 2],
      ["@cf/baai/bge-base-en-v1.5", 2],
      ["@cf/baai/bge-base-en-v1.5", 1],
    ]);
    expect(embeddings.modelName).toBe("@cf/baai/bge-base-en-v1.5");
  });

  it("rejects a reply with the wrong number of vectors", async () => {
    const ai = new FakeAiBinding(() => ({ data: [[1, 2]] }));
    const embeddings = new WorkersAIEmbeddings();
    await expect(embeddings.encode(["a", "b"], contextWith(ai))).rejects.toThrow("malformed response: 1 vectors for 2 inputs");
  });
});
