import { describe, expect, it } from "vitest";
import { RuntimeParameterError, SerializationError } from "../../../src/errors.js";
import { createDefaultRegistry } from "../../../src/default-registry.js";
import { OpenAILLM, type OpenAILLMOptions } from "../../../src/llms/providers/openai-llm.js";
import { behaviours, startFakeOpenAIServer } from "../../support/fake-openai-server.js";
import { useFakeOpenAIServer } from "../../support/use-fake-openai-server.js";
import { FAST_RETRIES, llmContext } from "./support/llm-context.js";

const server = useFakeOpenAIServer({}, { resetAfterEach: true });

function makeLLM(options: Partial<OpenAILLMOptions> = {}): OpenAILLM {
  const llm = new OpenAILLM({ model: "fake-gpt", baseUrl: server.baseUrl, ...options });
  llm.retryTiming = FAST_RETRIES;
  return llm;
}

const chat = (text: string) => [{ role: "user" as const, content: text }];

describe("OpenAILLM against an OpenAI-compatible server", () => {
  it("returns one generation per input with usage as statistics", async () => {
    const llm = makeLLM();
    const context = llmContext();
    const outputs = await llm.generate([chat("hello world"), chat("second prompt")], { numGenerations: 1, context });
    expect(outputs).toEqual([
      { generations: ["echo: hello world"], statistics: { input_tokens: [2], output_tokens: [3] } },
      { generations: ["echo: second prompt"], statistics: { input_tokens: [2], output_tokens: [3] } },
    ]);
    const [first] = server.generationRequests;
    expect(first?.path).toBe("/v1/chat/completions");
    expect(first?.body).toMatchObject({ model: "fake-gpt", max_tokens: 128, messages: [{ role: "user", content: "hello world" }] });
    expect(first?.body).not.toHaveProperty("n");
  });

  it("asks for num_generations with n and splits the usage over them", async () => {
    const llm = makeLLM({ generationKwargs: { temperature: 0.7, max_new_tokens: 64 } });
    const [output] = await llm.generate([chat("tell a joke")], { numGenerations: 3, context: llmContext() });
    expect(output?.generations).toEqual(["echo: tell a joke [1]", "echo: tell a joke [2]", "echo: tell a joke [3]"]);
    // 15 completion tokens in total (5 words per choice); the prompt counts for each generation.
    expect(output?.statistics).toEqual({ input_tokens: [3, 3, 3], output_tokens: [5, 5, 5] });
    expect(server.generationRequests).toHaveLength(1);
    expect(server.generationRequests[0]?.body).toMatchObject({ n: 3, temperature: 0.7, max_tokens: 64 });
  });

  it("asks again for the generations a server that ignores n did not return", async () => {
    server.script(behaviours.reply(["only one"]), behaviours.reply(["two", "three"]));
    const [output] = await makeLLM().generate([chat("q")], { numGenerations: 3, context: llmContext() });
    expect(output?.generations).toEqual(["only one", "two", "three"]);
    expect(server.generationRequests.map((r) => (r.body as { n?: number }).n)).toEqual([3, 2]);
  });

  it("reports -1 token counts when the server gives no usage", async () => {
    server.script({ kind: "reply", text: "no usage here", usage: null });
    const [output] = await makeLLM().generate([chat("count?")], { numGenerations: 1, context: llmContext() });
    expect(output).toEqual({ generations: ["no usage here"], statistics: { input_tokens: [-1], output_tokens: [-1] } });
  });

  it("sends raw string inputs to the completions endpoint", async () => {
    const [output] = await makeLLM().generate(["<|begin_of_text|>user:"], { numGenerations: 1, context: llmContext() });
    expect(output?.generations).toEqual(["echo: <|begin_of_text|>user:"]);
    expect(server.generationRequests[0]?.path).toBe("/v1/completions");
    expect(server.generationRequests[0]?.body).toMatchObject({ prompt: "<|begin_of_text|>user:", max_tokens: 128 });
  });

  it("passes logprobs through as an extra column value per generation", async () => {
    const llm = makeLLM({ generationKwargs: { logprobs: true, top_logprobs: 2 } });
    const [output] = await llm.generate([chat("hi")], { numGenerations: 1, context: llmContext() });
    expect(output?.extra?.logprobs).toEqual([
      [
        [
          { token: "echo:", logprob: -0.1 },
          { token: "echo:~1", logprob: -1.1 },
        ],
        [
          { token: " hi", logprob: -0.2 },
          { token: " hi~1", logprob: -1.2 },
        ],
      ],
    ]);
  });

  it("merges extra_body into the request and keeps the key out of the body", async () => {
    const llm = makeLLM({ generationKwargs: { extra_body: { top_k: 5 }, seed: 42, stop: ["\n"] } });
    const context = llmContext({ secrets: { OPENAI_API_KEY: "sk-test-123" } });
    await llm.generate([chat("x")], { numGenerations: 1, context });
    const request = server.generationRequests[0];
    expect(request?.body).toMatchObject({ top_k: 5, seed: 42, stop: ["\n"] });
    expect(request?.headers.authorization).toBe("Bearer sk-test-123");
  });
});

describe("OpenAILLM reliability", () => {
  it("waits for Retry-After (seconds) after a 429, then succeeds", async () => {
    server.script(behaviours.rateLimited(1));
    const started = Date.now();
    const [output] = await makeLLM().generate([chat("patience")], { numGenerations: 1, context: llmContext() });
    const [first, second] = server.generationRequests;
    expect(output?.generations).toEqual(["echo: patience"]);
    expect(first?.status).toBe(429);
    expect(second?.status).toBe(200);
    expect((second?.startedAt ?? 0) - (first?.endedAt ?? 0)).toBeGreaterThanOrEqual(950);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it("honours retry-after-ms over exponential backoff", async () => {
    server.script(behaviours.rateLimited({ ms: 300 }), behaviours.rateLimited({ ms: 300 }));
    const llm = makeLLM();
    llm.retryTiming = { initialDelayMs: 1, maxDelayMs: 1 };
    const [output] = await llm.generate([chat("twice")], { numGenerations: 1, context: llmContext() });
    const times = server.generationRequests.map((r) => r.startedAt);
    expect(output?.generations).toEqual(["echo: twice"]);
    expect(times).toHaveLength(3);
    expect((times[1] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(290);
    expect((times[2] ?? 0) - (times[1] ?? 0)).toBeGreaterThanOrEqual(290);
  });

  it("retries 500s and then succeeds", async () => {
    server.script(behaviours.serverError(500), behaviours.serverError(503));
    const context = llmContext();
    const [output] = await makeLLM().generate([chat("flaky")], { numGenerations: 1, context });
    expect(output?.generations).toEqual(["echo: flaky"]);
    expect(server.generationRequests.map((r) => r.status)).toEqual([500, 503, 200]);
    expect(context.logger.lines.filter((l) => l.includes("retrying"))).toHaveLength(2);
  });

  it("turns a persistent 500 into null generations with the error for that row only", async () => {
    server.scriptFor("doomed", [behaviours.serverError(500)], { repeatLast: true });
    const llm = makeLLM({ maxRetries: 2 });
    const outputs = await llm.generate([chat("fine one"), chat("doomed row"), chat("fine two")], { numGenerations: 2, context: llmContext() });
    expect(outputs[0]?.generations).toEqual(["echo: fine one [1]", "echo: fine one [2]"]);
    expect(outputs[2]?.generations).toEqual(["echo: fine two [1]", "echo: fine two [2]"]);
    expect(outputs[1]?.generations).toEqual([null, null]);
    expect(outputs[1]?.error).toMatch(/OpenAILLM \(fake-gpt\) failed after 3 attempts \(HTTP 500\)/);
    expect(outputs[1]?.error).toContain("The server had an error while processing your request");
    expect(server.generationRequests.filter((r) => r.prompt === "doomed row")).toHaveLength(3);
  });

  it("fails a 400 at once with the provider's message", async () => {
    server.script(behaviours.error(400, "Invalid value for 'temperature'"));
    const [output] = await makeLLM().generate([chat("bad")], { numGenerations: 1, context: llmContext() });
    expect(output?.generations).toEqual([null]);
    expect(output?.error).toContain("(HTTP 400)");
    expect(output?.error).toContain("Invalid value for 'temperature'");
    expect(server.generationRequests).toHaveLength(1);
  });

  it("times out a slow answer per attempt and retries it", async () => {
    server.script(behaviours.slow(1_500));
    const llm = makeLLM({ timeout: 0.3, maxRetries: 1 });
    const started = Date.now();
    const [output] = await llm.generate([chat("slow")], { numGenerations: 1, context: llmContext() });
    expect(output?.generations).toEqual(["echo: slow"]);
    expect(Date.now() - started).toBeLessThan(1_400);
    expect(server.generationRequests).toHaveLength(2);
  });

  it("reports a timeout once the retries are spent", async () => {
    server.always(behaviours.slow(2_000));
    const [output] = await makeLLM({ timeout: 0.2, maxRetries: 1 }).generate([chat("slow")], { numGenerations: 1, context: llmContext() });
    expect(output?.generations).toEqual([null]);
    expect(output?.error).toBe("OpenAILLM (fake-gpt) failed after 2 attempts: timed out after 200 ms");
  });

  it("reports a malformed JSON body without retrying", async () => {
    server.script(behaviours.malformed());
    const [output] = await makeLLM().generate([chat("garbage")], { numGenerations: 1, context: llmContext() });
    expect(output?.generations).toEqual([null]);
    expect(output?.error).toMatch(/malformed response \(invalid JSON\)/);
    expect(server.generationRequests).toHaveLength(1);
  });

  it("retries a dropped connection", async () => {
    server.script(behaviours.drop());
    const [output] = await makeLLM().generate([chat("reconnect")], { numGenerations: 1, context: llmContext() });
    expect(output?.generations).toEqual(["echo: reconnect"]);
    expect(server.generationRequests).toHaveLength(2);
  });

  it("never has more than 6 requests waiting for headers in one invocation", async () => {
    server.always(behaviours.slow(60));
    const llm = makeLLM({ maxConcurrentRequests: 20, stream: false });
    const inputs = Array.from({ length: 30 }, (_, i) => chat(`prompt ${i}`));
    const outputs = await llm.generate(inputs, { numGenerations: 1, context: llmContext() });
    expect(outputs.map((o) => o.generations[0])).toEqual(inputs.map((_, i) => `echo: prompt ${i}`));
    expect(server.peakInFlight).toBe(6);
  });

  it("streams replies, freeing the connection slot at the headers so more than 6 run at once", async () => {
    server.always(behaviours.slow(60));
    const llm = makeLLM({ maxConcurrentRequests: 20 });
    const inputs = Array.from({ length: 30 }, (_, i) => chat(`prompt ${i}`));
    const outputs = await llm.generate(inputs, { numGenerations: 1, context: llmContext() });
    expect(outputs.map((o) => o.generations[0])).toEqual(inputs.map((_, i) => `echo: prompt ${i}`));
    expect(server.peakInFlight).toBeGreaterThan(6);
    expect(server.generationRequests[0]?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });
});

describe("OpenAILLM streamed replies", () => {
  it("captures token usage and every choice from the stream", async () => {
    const outputs = await makeLLM().generate([chat("count my tokens")], { numGenerations: 2, context: llmContext() });
    expect(outputs[0]).toEqual({
      generations: ["echo: count my tokens [1]", "echo: count my tokens [2]"],
      statistics: { input_tokens: [3, 3], output_tokens: [5, 5] },
    });
  });

  it("retries a reply whose stream breaks after the first chunk", async () => {
    server.script(behaviours.breakStream());
    const [output] = await makeLLM().generate([chat("broken stream")], { numGenerations: 1, context: llmContext() });
    expect(output?.generations).toEqual(["echo: broken stream"]);
    expect(output?.error).toBeUndefined();
    expect(server.generationRequests).toHaveLength(2);
  });

  it("gives raw-prompt completions with logprobs exactly as a non-streamed reply", async () => {
    const options = { generationKwargs: { logprobs: true, top_logprobs: 2 } };
    const [streamed] = await makeLLM(options).generate(["<|begin_of_text|>user:"], { numGenerations: 1, context: llmContext() });
    const [whole] = await makeLLM({ ...options, stream: false }).generate(["<|begin_of_text|>user:"], { numGenerations: 1, context: llmContext() });
    expect(streamed?.generations).toEqual(["echo: <|begin_of_text|>user:"]);
    expect((streamed?.extra?.logprobs as unknown[][] | undefined)?.[0]?.length).toBeGreaterThan(1);
    expect(streamed).toEqual(whole);
  });
});

describe("OpenAILLM structured output", () => {
  const schema = {
    type: "object",
    properties: { name: { type: "string" }, age: { type: "integer", minimum: 0 } },
    required: ["name", "age"],
    additionalProperties: false,
  };

  it("sends a strict json_schema response format and returns replies that match it", async () => {
    const llm = makeLLM({ structuredOutput: { format: "json", schema, name: "person" } });
    const [output] = await llm.generate([chat("who?")], { numGenerations: 1, context: llmContext() });
    expect(output?.generations).toEqual(['{"name":"sample","age":0}']);
    expect(output?.error).toBeUndefined();
    expect(server.generationRequests[0]?.body).toMatchObject({
      response_format: { type: "json_schema", json_schema: { name: "person", schema, strict: true } },
    });
  });

  it("nulls a reply that does not match the schema, with the reason", async () => {
    server.script(behaviours.wrongSchema());
    const llm = makeLLM({ structuredOutput: { format: "json", schema } });
    const [output] = await llm.generate([chat("who?")], { numGenerations: 1, context: llmContext() });
    expect(output?.generations).toEqual([null]);
    expect(output?.error).toMatch(/^reply does not match the JSON schema: \(root\): Invalid input: expected object/);
  });

  it("nulls a reply that is not JSON", async () => {
    server.script(behaviours.reply("Sure! Here is the JSON you asked for"));
    const llm = makeLLM({ structuredOutput: { format: "json", schema } });
    const [output] = await llm.generate([{ input: chat("who?"), structuredOutput: undefined }], { numGenerations: 1, context: llmContext() });
    expect(output?.generations).toEqual([null]);
    expect(output?.error).toMatch(/^reply is not valid JSON/);
  });

  it("takes a per-row structured output and sends strict false for a loose schema", async () => {
    const loose = { type: "object", properties: { score: { type: "number", maximum: 10 } } };
    const [output] = await makeLLM().generate([{ input: chat("rate"), structuredOutput: { format: "json", schema: loose } }], {
      numGenerations: 1,
      context: llmContext(),
    });
    expect(output?.generations).toEqual(['{"score":10}']);
    expect(server.generationRequests[0]?.body).toMatchObject({ response_format: { json_schema: { name: "structured_output", strict: false } } });
  });
});

describe("OpenAILLM configuration", () => {
  it("rejects an unknown generation kwarg with a RuntimeParameterError naming it", () => {
    expect(() => makeLLM({ generationKwargs: { max_tokens: 10 } })).toThrow(RuntimeParameterError);
    expect(() => makeLLM({ generationKwargs: { max_tokens: 10 } })).toThrow(/does not accept generation kwarg 'max_tokens'/);
    const llm = makeLLM();
    expect(() => llm.setRuntimeParameters({ generation_kwargs: { temprature: 1 } }, ["text_generation", "llm"])).toThrow(
      /'temprature' \(at text_generation\.llm\.generation_kwargs\.temprature\)/,
    );
  });

  it("lists its generation kwargs and reliability options in runtime_parameters_info", () => {
    const info = makeLLM().runtimeParametersInfo();
    const kwargs = info.find((entry) => entry.name === "generation_kwargs");
    expect(kwargs && "keys" in kwargs ? kwargs.keys?.map((k) => k.name) : []).toEqual([
      "max_new_tokens",
      "temperature",
      "top_p",
      "frequency_penalty",
      "presence_penalty",
      "stop",
      "logprobs",
      "top_logprobs",
      "response_format",
      "extra_body",
      "seed",
    ]);
    expect(kwargs && "keys" in kwargs ? kwargs.keys?.every((k) => k.optional && (k.description ?? "").length > 10) : false).toBe(true);
    expect(info.map((entry) => entry.name)).toEqual(expect.arrayContaining(["base_url", "max_retries", "timeout", "rate_limits"]));
  });

  it("dumps without the API key and loads back from the dump", () => {
    const llm = new OpenAILLM({ model: "gpt-4o-mini", apiKey: "sk-secret-value", generationKwargs: { temperature: 0.2 } });
    const dump = llm.dump();
    expect(JSON.stringify(dump)).not.toContain("sk-secret-value");
    expect(dump).not.toHaveProperty("api_key");
    expect(dump).toMatchObject({
      type_info: { name: "OpenAILLM" },
      model: "gpt-4o-mini",
      base_url: null,
      api_key_env: "OPENAI_API_KEY",
      max_retries: 6,
      timeout: 120,
      generation_kwargs: { temperature: 0.2 },
    });
    const loaded = createDefaultRegistry().load<OpenAILLM>(dump, "llm");
    expect(loaded).toBeInstanceOf(OpenAILLM);
    expect(loaded.dump()).toEqual(dump);
  });

  it("refuses a serialized pipeline that carries api_key", () => {
    const registry = createDefaultRegistry();
    const load = (): unknown => registry.load({ type_info: { name: "OpenAILLM" }, model: "gpt-4o-mini", api_key: "sk-leaked" }, "llm");
    expect(load).toThrow(SerializationError);
    expect(load).toThrow(/may not contain 'api_key'; store the key as a secret and name it with 'api_key_env'/);
  });

  it("fails loading without a key for a remote server, naming the secret", async () => {
    const llm = new OpenAILLM({ model: "gpt-4o-mini", apiKeyEnv: "MY_OPENAI_KEY" });
    await expect(llm.load(llmContext())).rejects.toThrow(/needs an API key: set the secret 'MY_OPENAI_KEY'/);
    await expect(llm.load(llmContext({ secrets: { MY_OPENAI_KEY: "sk-1" } }))).resolves.toBeUndefined();
  });

  it("needs no key for a local server", async () => {
    const llm = makeLLM();
    await llm.load(llmContext());
    const [output] = await llm.generate([chat("local")], { numGenerations: 1, context: llmContext() });
    expect(output?.generations).toEqual(["echo: local"]);
  });
});

describe("OpenAILLM base URL resolution", () => {
  it("uses the OPENAI_BASE_URL secret when base_url is unset, as distilabel reads its env var", async () => {
    const server = await startFakeOpenAIServer();
    try {
      const llm = new OpenAILLM({ model: "gpt-4o-mini" });
      const context = llmContext({ secrets: { OPENAI_BASE_URL: server.baseUrl } });
      const [output] = await llm.generate([[{ role: "user", content: "hello" }]], { numGenerations: 1, context });
      expect(output?.generations[0]).toEqual(expect.any(String));
      expect(output?.error).toBeUndefined();
      expect(server.generationRequests).toHaveLength(1);
    } finally {
      await server.stop();
    }
  });
});

describe("offline batch generation", () => {
  it("is accepted by OpenAILLM and refused by an LLM without a batch API rather than silently run online", () => {
    expect(new OpenAILLM({ model: "gpt-4o-mini", useOfflineBatchGeneration: true }).useOfflineBatchGeneration).toBe(true);
    expect(() =>
      createDefaultRegistry().load({ type_info: { name: "AnthropicLLM" }, model: "claude-3-5-haiku-latest", use_offline_batch_generation: true }, "llm"),
    ).toThrow("offline batch generation (a provider batch API) is supported by OpenAILLM and WorkersAILLM only");
  });
});

describe("structured output from a zod schema", () => {
  it("converts the zod schema to the JSON schema sent as response_format, and dumps it as JSON", async () => {
    const { z } = await import("zod");
    const character = z.object({ name: z.string(), age: z.number().int() });
    const llm = new OpenAILLM({ model: "gpt-4o-mini", structuredOutput: { schema: character } });
    const schema = llm.structuredOutput?.schema as Record<string, unknown>;
    expect(schema).toMatchObject({ type: "object", properties: { name: { type: "string" }, age: { type: "integer" } }, required: ["name", "age"] });
    expect(schema).not.toHaveProperty("$schema");
    expect((llm.dump().structured_output as { schema: unknown }).schema).toEqual(schema);
    const server = await startFakeOpenAIServer();
    try {
      const context = llmContext({ secrets: { OPENAI_BASE_URL: server.baseUrl } });
      const [output] = await llm.generate([[{ role: "user", content: "a character" }]], { numGenerations: 1, context });
      expect(character.parse(JSON.parse(output?.generations[0] ?? "null"))).toMatchObject({ name: expect.any(String) });
      const body = server.generationRequests[0]?.body as { response_format: { type: string; json_schema: { schema: unknown } } };
      expect(body.response_format.type).toBe("json_schema");
      expect(body.response_format.json_schema.schema).toMatchObject({ properties: { age: { type: "integer" } } });
    } finally {
      await server.stop();
    }
  });
});
