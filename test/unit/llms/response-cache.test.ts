import { describe, expect, it } from "vitest";
import { OpenAILLM } from "../../../src/llms/providers/openai-llm.js";
import { cachesResponses } from "../../../src/llms/response-cache/metered-generate.js";
import { isResponseCacheKey, RESPONSE_CACHE_PREFIX, ResponseCache } from "../../../src/llms/response-cache/response-cache.js";
import { UsageRecorder } from "../../../src/llms/usage/usage.js";
import { MemoryBlobStore } from "../../../src/runtime/blob-store.js";
import { ScopedBlobStore } from "../../../src/security/scoped-blob-store.js";
import { defaultServices } from "../../../src/steps/step-context.js";
import { testContext } from "../../support/test-context.js";
import { behaviours } from "../../support/fake-openai-server.js";
import { useFakeOpenAIServer } from "../../support/use-fake-openai-server.js";

const server = useFakeOpenAIServer({}, { resetAfterEach: true });

function llm(generationKwargs: Record<string, unknown> = { temperature: 0 }, cacheResponses?: boolean): OpenAILLM {
  const model = new OpenAILLM({
    model: "fake-gpt",
    baseUrl: server.baseUrl,
    apiKey: "sk-test",
    maxRetries: 0,
    generationKwargs,
    ...(cacheResponses === undefined ? {} : { cacheResponses }),
  });
  model.retryTiming = { initialDelayMs: 1, maxDelayMs: 2 };
  return model;
}

function context(store: MemoryBlobStore, usage = new UsageRecorder()) {
  return testContext({ services: defaultServices({ blobs: store }), usage });
}

const chat = (text: string) => [{ role: "user" as const, content: text }];

describe("the response cache", () => {
  it("answers a request seen before without calling the provider, in another LLM instance", async () => {
    const store = new MemoryBlobStore();
    const first = await llm().generate([chat("what is 2 + 2?")], { numGenerations: 1, context: context(store) });
    const usage = new UsageRecorder();
    const second = await llm().generate([chat("what is 2 + 2?")], { numGenerations: 1, context: context(store, usage) });
    expect(server.generationRequests.length).toBe(1);
    expect(second).toEqual(first);
    expect(Object.values(usage.snapshot() ?? {})).toEqual([expect.objectContaining({ requests: 0, cached_requests: 1, input_tokens: 0, output_tokens: 0 })]);
    expect((await store.list(RESPONSE_CACHE_PREFIX)).map((b) => isResponseCacheKey(b.key))).toEqual([true]);
  });

  it("never stores a failed call: the next run calls the provider again", async () => {
    const store = new MemoryBlobStore();
    server.script(behaviours.serverError(500));
    const usage = new UsageRecorder();
    const [failed] = await llm().generate([chat("flaky question")], { numGenerations: 1, context: context(store, usage) });
    expect(failed?.error).toMatch(/500/);
    expect(await store.list(RESPONSE_CACHE_PREFIX)).toEqual([]);
    // The failed call still counts as a request (it may be billed), with no tokens.
    expect(Object.values(usage.snapshot() ?? {})).toEqual([expect.objectContaining({ requests: 1, cached_requests: 0, input_tokens: 0 })]);

    const [retried] = await llm().generate([chat("flaky question")], { numGenerations: 1, context: context(store) });
    expect(retried?.error).toBeUndefined();
    expect(server.generationRequests.length).toBe(2);
  });

  it("refuses to store an output that carries an error (a reply that broke its schema)", async () => {
    const cache = new ResponseCache(new MemoryBlobStore());
    const stored = await cache.put("a".repeat(64), {
      provider: "OpenAILLM",
      model: "m",
      output: { generations: [null], statistics: { input_tokens: [3], output_tokens: [2] }, error: "schema mismatch" },
    });
    expect(stored).toBe(false);
    expect(await cache.get("a".repeat(64))).toBeUndefined();
  });

  it("tells requests apart by generation kwargs and num_generations", async () => {
    const store = new MemoryBlobStore();
    await llm({ temperature: 0 }).generate([chat("same prompt")], { numGenerations: 1, context: context(store) });
    await llm({ temperature: 0, max_new_tokens: 16 }).generate([chat("same prompt")], { numGenerations: 1, context: context(store) });
    await llm({ temperature: 0 }).generate([chat("same prompt")], { numGenerations: 2, context: context(store) });
    expect(server.generationRequests.length).toBe(3);
  });

  it("is on for temperature 0 or a fixed seed, opt-in otherwise, and cache_responses: false turns it off", async () => {
    expect(cachesResponses(llm({ temperature: 0 }))).toBe(true);
    expect(cachesResponses(llm({ temperature: 0.9, seed: 7 }))).toBe(true);
    expect(cachesResponses(llm({ temperature: 0.9 }))).toBe(false);
    expect(cachesResponses(llm({ temperature: 0.9 }, true))).toBe(true);
    expect(cachesResponses(llm({ temperature: 0 }, false))).toBe(false);

    const store = new MemoryBlobStore();
    for (let i = 0; i < 2; i++) await llm({ temperature: 0.9 }).generate([chat("sampled")], { numGenerations: 1, context: context(store) });
    expect(server.generationRequests.length).toBe(2);
    expect(await store.list(RESPONSE_CACHE_PREFIX)).toEqual([]);
  });

  it("lets steps read and write single cache entries through the scoped store, never list or delete them", async () => {
    const scoped = new ScopedBlobStore(new MemoryBlobStore(), ["inputs/", "runs/"]);
    const key = `${RESPONSE_CACHE_PREFIX}${"b".repeat(64)}.json`;
    await scoped.put(key, "{}");
    expect(await scoped.get(key)).not.toBeNull();
    await expect(scoped.put(`${RESPONSE_CACHE_PREFIX}other.json`, "{}")).rejects.toThrow(/only write under 'runs\/'/);
    await expect(scoped.list(RESPONSE_CACHE_PREFIX)).rejects.toThrow(/outside the prefixes/);
    await expect(scoped.delete(key)).rejects.toThrow(/may not delete response-cache entries/);
  });
});
