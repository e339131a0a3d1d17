import { describe, expect, it } from "vitest";
import { OptionError } from "../../../src/errors.js";
import { InferenceEndpointsLLM, type InferenceEndpointsLLMOptions } from "../../../src/llms/providers/inference-endpoints-llm.js";
import { behaviours } from "../../support/fake-openai-server.js";
import { useFakeOpenAIServer } from "../../support/use-fake-openai-server.js";
import { FAST_RETRIES, llmContext } from "./support/llm-context.js";

const server = useFakeOpenAIServer({}, { resetAfterEach: true });

function makeLLM(options: InferenceEndpointsLLMOptions): InferenceEndpointsLLM {
  const llm = new InferenceEndpointsLLM(options);
  llm.retryTiming = FAST_RETRIES;
  return llm;
}

const chat = (text: string) => [{ role: "user" as const, content: text }];
const hfSecrets = { secrets: { HF_TOKEN: "hf_test_token" } };

describe("InferenceEndpointsLLM with base_url (TGI / vLLM)", () => {
  it("sends chats to the server's chat completions route and reads usage", async () => {
    const llm = makeLLM({ baseUrl: server.url, generationKwargs: { max_new_tokens: 50, temperature: 0.3, stop_sequences: ["</s>"] } });
    const [output] = await llm.generate([chat("hello hf")], { numGenerations: 1, context: llmContext() });
    expect(output).toEqual({ generations: ["echo: hello hf"], statistics: { input_tokens: [2], output_tokens: [3] } });
    const request = server.generationRequests[0];
    expect(request?.path).toBe("/v1/chat/completions");
    expect(request?.body).toMatchObject({ messages: chat("hello hf"), max_tokens: 50, temperature: 0.3, stop: ["</s>"] });
    expect(request?.headers.authorization).toBeUndefined();
    expect(llm.modelName).toBe(server.url);
  });

  it("fans num_generations out to separate calls with their own seeds", async () => {
    const llm = makeLLM({ baseUrl: server.url, modelDisplayName: "my-tgi" });
    const [output] = await llm.generate([chat("many")], { numGenerations: 3, context: llmContext() });
    expect(output?.generations).toEqual(["echo: many", "echo: many", "echo: many"]);
    const seeds = server.generationRequests.map((r) => (r.body as { seed?: number }).seed);
    expect(seeds).toHaveLength(3);
    expect(new Set(seeds).size).toBe(3);
    expect(llm.modelName).toBe("my-tgi");
  });

  it("sends raw strings through text generation with -1 token counts", async () => {
    const llm = makeLLM({ baseUrl: server.url, generationKwargs: { top_k: 20, repetition_penalty: 1.1 } });
    const [output] = await llm.generate(["<|im_start|>user\n"], { numGenerations: 1, context: llmContext() });
    expect(output).toEqual({ generations: ["echo: <|im_start|>user\n"], statistics: { input_tokens: [-1], output_tokens: [-1] } });
    expect(server.generationRequests[0]?.path).toBe("/v1/completions");
    expect(server.generationRequests[0]?.body).toMatchObject({ prompt: "<|im_start|>user\n", max_tokens: 128, top_k: 20, repetition_penalty: 1.1 });
  });

  it("asks TGI for a grammar on raw strings and a json_schema response format on chats", async () => {
    const schema = { type: "object", properties: { answer: { type: "string" } }, required: ["answer"], additionalProperties: false };
    const llm = makeLLM({ baseUrl: server.url, structuredOutput: { format: "json", schema } });
    const [fromText, fromChat] = await llm.generate(["prompt:", chat("q")], { numGenerations: 1, context: llmContext() });
    expect(fromText?.generations).toEqual(['{"answer":"sample"}']);
    expect(fromChat?.generations).toEqual(['{"answer":"sample"}']);
    const textRequest = server.generationRequests.find((r) => r.path === "/v1/completions");
    const chatRequest = server.generationRequests.find((r) => r.path === "/v1/chat/completions");
    expect(chatRequest?.body).toMatchObject({ response_format: { type: "json_schema", json_schema: { schema, strict: true } } });
    expect(textRequest?.body).toMatchObject({ grammar: { type: "json", value: schema } });
  });

  it("retries a 503 (the client's own endless retry is off) and a 429 with Retry-After", async () => {
    server.script(behaviours.serverError(503), behaviours.rateLimited({ ms: 200 }));
    const llm = makeLLM({ baseUrl: server.url });
    const [output] = await llm.generate([chat("retry me")], { numGenerations: 1, context: llmContext() });
    const [, rateLimited, ok] = server.generationRequests;
    expect(output?.generations).toEqual(["echo: retry me"]);
    expect(server.generationRequests.map((r) => r.status)).toEqual([503, 429, 200]);
    expect((ok?.startedAt ?? 0) - (rateLimited?.endedAt ?? 0)).toBeGreaterThanOrEqual(190);
  });

  it("turns a persistent failure into null generations with the provider's message", async () => {
    server.always(behaviours.error(500, "CUDA out of memory"));
    const [output] = await makeLLM({ baseUrl: server.url, maxRetries: 1 }).generate([chat("oom")], { numGenerations: 2, context: llmContext() });
    expect(output?.generations).toEqual([null, null]);
    expect(output?.error).toMatch(/failed after 2 attempts \(HTTP 500\): .*CUDA out of memory/);
  });
});

describe("InferenceEndpointsLLM on the Hub (model_id, endpoint_name)", () => {
  it("calls the router for a model_id chat with the token, through HF_ENDPOINT", async () => {
    const llm = makeLLM({ modelId: "meta-llama/Llama-3.1-8B-Instruct" });
    const context = llmContext({ secrets: { HF_TOKEN: "hf_test_token", HF_ENDPOINT: server.url } });
    const [output] = await llm.generate([chat("via router")], { numGenerations: 1, context });
    expect(output?.generations).toEqual(["echo: via router"]);
    const request = server.generationRequests[0];
    expect(request?.path).toBe("/v1/chat/completions");
    expect(request?.headers.authorization).toBe("Bearer hf_test_token");
    expect(request?.body).toMatchObject({ model: "meta-llama/Llama-3.1-8B-Instruct" });
  });

  it("resolves a model_id's provider on the Hub for raw text generation", async () => {
    const llm = makeLLM({ modelId: "org/base-model", hfEndpoint: server.url });
    const [output] = await llm.generate(["Once upon"], { numGenerations: 1, context: llmContext(hfSecrets) });
    expect(output?.generations).toEqual(["echo: Once upon"]);
    expect(server.requests.map((r) => r.path)).toEqual([
      "/api/models/org/base-model?expand[]=inferenceProviderMapping",
      "/hf-inference/models/org/base-model/v1/completions",
    ]);
  });

  it("looks a dedicated endpoint's URL up once and calls it", async () => {
    const llm = makeLLM({ endpointName: "my-endpoint", hfEndpoint: server.url });
    const outputs = await llm.generate([chat("one"), chat("two")], { numGenerations: 1, context: llmContext(hfSecrets) });
    expect(outputs.map((o) => o.generations[0])).toEqual(["echo: one", "echo: two"]);
    const paths = server.requests.map((r) => r.path);
    expect(paths.filter((p) => p === "/api/whoami-v2")).toHaveLength(1);
    expect(paths.filter((p) => p === "/v2/endpoint/fake-user/my-endpoint")).toHaveLength(1);
    expect(paths.filter((p) => p === "/endpoints/fake-user/my-endpoint/v1/chat/completions")).toHaveLength(2);
  });

  it("needs a token for the Hub, and exactly one of model_id, endpoint_name, base_url", async () => {
    await expect(makeLLM({ modelId: "a/b" }).load(llmContext())).rejects.toThrow(/needs an API key: set the secret 'HF_TOKEN'/);
    expect(() => makeLLM({})).toThrow(OptionError);
    expect(() => makeLLM({})).toThrow("needs one of model_id, endpoint_name or base_url");
    expect(() => makeLLM({ modelId: "a/b", baseUrl: server.url })).toThrow("takes only one of model_id, endpoint_name or base_url (got model_id, base_url)");
  });

  it("lists distilabel's generation kwargs and keeps the token out of dumps", () => {
    const llm = new InferenceEndpointsLLM({ modelId: "a/b", apiKey: "hf_secret" });
    const kwargs = llm.runtimeParametersInfo().find((e) => e.name === "generation_kwargs");
    expect(kwargs && "keys" in kwargs ? kwargs.keys?.map((k) => k.name) : []).toEqual(
      expect.arrayContaining(["max_new_tokens", "stop_sequences", "temperature", "top_p", "top_k", "do_sample", "repetition_penalty", "seed", "watermark"]),
    );
    expect(JSON.stringify(llm.dump())).not.toContain("hf_secret");
    expect(llm.dump()).toMatchObject({ model_id: "a/b", api_key_env: "HF_TOKEN", endpoint_name: null, base_url: null });
  });
});
