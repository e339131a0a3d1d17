import { describe, expect, it } from "vitest";
import { createDefaultRegistry } from "../../../src/default-registry.js";
import { SerializationError } from "../../../src/errors.js";
import { OpenAIEmbeddings } from "../../../src/llms/embeddings/openai-embeddings.js";
import { AzureOpenAILLM } from "../../../src/llms/providers/azure-openai-llm.js";
import { behaviours, fakeEmbedding } from "../../support/fake-openai-server.js";
import { useFakeOpenAIServer } from "../../support/use-fake-openai-server.js";
import { FAST_RETRIES, llmContext } from "./support/llm-context.js";

const server = useFakeOpenAIServer({}, { resetAfterEach: true });

describe("OpenAIEmbeddings", () => {
  it("embeds in batches through /embeddings, in input order, with the requested dimensions", async () => {
    const embeddings = new OpenAIEmbeddings({ model: "text-embedding-3-small", baseUrl: server.baseUrl, dimensions: 4, batchSize: 2 });
    embeddings.retryTiming = FAST_RETRIES;
    server.script(behaviours.rateLimited({ ms: 20 }));
    const texts = ["alpha", "beta", "gamma"];
    const vectors = await embeddings.encode(texts, llmContext({ secrets: { OPENAI_API_KEY: "sk-e" } }));
    expect(vectors).toEqual(texts.map((t) => fakeEmbedding(t, 4)));
    const ok = server.generationRequests.filter((r) => r.status === 200);
    expect(ok.map((r) => (r.body as { input: string[] }).input).sort()).toEqual([["alpha", "beta"], ["gamma"]]);
    expect(ok[0]?.body).toMatchObject({ model: "text-embedding-3-small", dimensions: 4, encoding_format: "float" });
    expect(ok[0]?.headers.authorization).toBe("Bearer sk-e");
    expect(server.generationRequests.filter((r) => r.status === 429)).toHaveLength(1);
  });

  it("refuses an inline api_key in a serialized pipeline and never dumps one", () => {
    const embeddings = new OpenAIEmbeddings({ model: "m", apiKey: "sk-inline" });
    expect(JSON.stringify(embeddings.dump())).not.toContain("sk-inline");
    expect(() => createDefaultRegistry().load({ type_info: { name: "OpenAIEmbeddings" }, model: "m", api_key: "sk-x" }, "embeddings")).toThrow(
      SerializationError,
    );
  });
});

describe("AzureOpenAILLM", () => {
  it("calls the deployment route with the api-version and the api-key header", async () => {
    const llm = new AzureOpenAILLM({ model: "my-deployment", baseUrl: server.url, apiVersion: "2024-10-21" });
    const [output] = await llm.generate([[{ role: "user", content: "hi azure" }]], {
      numGenerations: 1,
      context: llmContext({ secrets: { AZURE_OPENAI_API_KEY: "az-key" } }),
    });
    expect(output?.generations).toEqual(["echo: hi azure"]);
    const request = server.generationRequests[0];
    expect(request?.path).toBe("/openai/deployments/my-deployment/chat/completions?api-version=2024-10-21");
    expect(request?.headers["api-key"]).toBe("az-key");
    expect(llm.dump()).toMatchObject({ type_info: { name: "AzureOpenAILLM" }, api_version: "2024-10-21", api_key_env: "AZURE_OPENAI_API_KEY" });
  });
});

describe("built-in LLM registration", () => {
  it("registers every LLM and embeddings class by type name", () => {
    const registry = createDefaultRegistry();
    expect(registry.names("llm")).toEqual(["AnthropicLLM", "AzureOpenAILLM", "InferenceEndpointsLLM", "MixtureOfAgentsLLM", "OpenAILLM", "WorkersAILLM"]);
    expect(registry.names("embeddings")).toEqual(["OpenAIEmbeddings", "WorkersAIEmbeddings"]);
  });
});
