import { inject } from "vitest";
import type { FakeBehaviour } from "./fake-openai-server.js";

/**
 * The workers ring's loopback OpenAI stand-in, driven over its `/__fake/` control routes: workerd
 * cannot listen, so test/workers/fake-openai-setup.ts started it in Node once for every file, and
 * the files share it (which is why they tag their prompts and filter what they read back).
 */
export const fakeOpenAI = {
  url: (): string => inject("fakeOpenAIUrl"),

  /** `baseUrl` and `apiKeyEnv` of an `OpenAILLM` that calls the stand-in (vitest.config.mts allows its origin and gives the key). */
  llm: () => ({ baseUrl: `${fakeOpenAI.url()}/v1`, apiKeyEnv: "FAKE_OPENAI_API_KEY" }),

  /** Forgets the requests seen and the behaviours scripted. */
  async reset(): Promise<void> {
    await fetch(`${fakeOpenAI.url()}/__fake/reset`, { method: "POST" });
  },

  /** Scripts the answers to the prompts containing `match`. */
  async script(rule: { match: string; behaviours: FakeBehaviour[]; repeat_last?: boolean }): Promise<void> {
    await fetch(`${fakeOpenAI.url()}/__fake/script`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(rule) });
  },

  /** Every request seen since the last reset, in arrival order. */
  async requests(): Promise<Array<{ route: string; prompt: string }>> {
    const body = (await (await fetch(`${fakeOpenAI.url()}/__fake/requests`)).json()) as { requests: Array<{ route: string; prompt: string }> };
    return body.requests;
  },

  /** The Batch API's batches. Asked with no body, so the settings other files may rely on stay as they are. */
  async batches<T>(): Promise<T[]> {
    const body = (await (await fetch(`${fakeOpenAI.url()}/__fake/batches`, { method: "POST" })).json()) as { batches: T[] };
    return body.batches;
  },
};
