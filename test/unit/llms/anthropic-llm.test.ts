import { describe, expect, it } from "vitest";
import { AnthropicLLM, type AnthropicLLMOptions } from "../../../src/llms/providers/anthropic-llm.js";
import { behaviours } from "../../support/fake-openai-server.js";
import { useFakeOpenAIServer } from "../../support/use-fake-openai-server.js";
import { FAST_RETRIES, llmContext } from "./support/llm-context.js";

const server = useFakeOpenAIServer({}, { resetAfterEach: true });

function makeLLM(options: Partial<AnthropicLLMOptions> = {}): AnthropicLLM {
  const llm = new AnthropicLLM({ model: "claude-fake", baseUrl: server.url, ...options });
  llm.retryTiming = FAST_RETRIES;
  return llm;
}

describe("AnthropicLLM", () => {
  it("splits the system prompt out of the chat and reads the usage", async () => {
    const llm = makeLLM({ generationKwargs: { max_new_tokens: 300, temperature: 0.5, stop_sequences: ["END"] } });
    const context = llmContext({ secrets: { ANTHROPIC_API_KEY: "sk-ant-test" } });
    const [output] = await llm.generate(
      [
        [
          { role: "system", content: "Be brief." },
          { role: "user", content: "name a colour" },
        ],
      ],
      { numGenerations: 1, context },
    );
    expect(output).toEqual({ generations: ["echo: name a colour"], statistics: { input_tokens: [5], output_tokens: [4] } });
    const request = server.generationRequests[0];
    expect(request?.path).toBe("/v1/messages");
    expect(request?.headers["x-api-key"]).toBe("sk-ant-test");
    expect(request?.headers["anthropic-version"]).toBe("2023-06-01");
    expect(request?.body).toEqual({
      model: "claude-fake",
      max_tokens: 300,
      system: "Be brief.",
      messages: [{ role: "user", content: "name a colour" }],
      stop_sequences: ["END"],
      temperature: 0.5,
    });
  });

  it("makes one call per generation and sends max_tokens even when unset", async () => {
    const [output] = await makeLLM().generate(["raw prompt"], { numGenerations: 2, context: llmContext() });
    expect(output?.generations).toEqual(["echo: raw prompt", "echo: raw prompt"]);
    expect(server.generationRequests.map((r) => (r.body as { max_tokens: number }).max_tokens)).toEqual([128, 128]);
    expect(server.generationRequests[0]?.body).toMatchObject({ messages: [{ role: "user", content: "raw prompt" }] });
  });

  it("forces a tool call for structured output and returns its input as JSON", async () => {
    const schema = { type: "object", properties: { colour: { type: "string", enum: ["red", "blue"] } }, required: ["colour"] };
    const llm = makeLLM({ structuredOutput: { format: "json", schema, name: "pick colour" } });
    const [output] = await llm.generate([[{ role: "user", content: "pick" }]], { numGenerations: 1, context: llmContext() });
    expect(output?.generations).toEqual(['{"colour":"red"}']);
    expect(server.generationRequests[0]?.body).toMatchObject({
      tools: [{ name: "pick_colour", input_schema: schema }],
      tool_choice: { type: "tool", name: "pick_colour" },
    });
  });

  it("keeps the generations that worked when one of the fanned-out calls fails", async () => {
    server.script(behaviours.reply("first"), behaviours.error(400, "prompt is too long"));
    const [output] = await makeLLM().generate([[{ role: "user", content: "x" }]], { numGenerations: 2, context: llmContext() });
    expect(output?.generations).toEqual(["first", null]);
    expect(output?.error).toBe("AnthropicLLM (claude-fake) request failed (HTTP 400): HTTP 400: prompt is too long");
  });

  it("retries an overloaded (529) answer", async () => {
    server.script(behaviours.error(529, "Overloaded"));
    const [output] = await makeLLM().generate([[{ role: "user", content: "busy" }]], { numGenerations: 1, context: llmContext() });
    expect(output?.generations).toEqual(["echo: busy"]);
    expect(server.generationRequests.map((r) => r.status)).toEqual([529, 200]);
  });

  it("needs an API key for the real API", async () => {
    await expect(new AnthropicLLM({ model: "claude" }).load(llmContext())).rejects.toThrow(/needs an API key: set the secret 'ANTHROPIC_API_KEY'/);
  });
});
