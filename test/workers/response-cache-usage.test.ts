import { describe, expect, it } from "vitest";
import { createDefaultRegistry } from "../../src/default-registry.js";
import { OpenAILLM } from "../../src/llms/providers/openai-llm.js";
import { Pipeline } from "../../src/pipeline/pipeline.js";
import { LoadDataFromDicts } from "../../src/steps/builtin/loaders/load-data-from-dicts.js";
import { TextGeneration } from "../../src/tasks/text-generation/text-generation.js";
import { fakeOpenAI } from "../support/fake-openai-control.js";
import { workerHarness, type Harness } from "../support/worker-harness.js";

/**
 * Runs over the loopback OpenAI stand-in (started in Node by fake-openai-setup.ts): the response
 * cache spares a second pipeline the calls it shares with the first, and a run's `usage` is what
 * the server billed, summed.
 */

let deployment: Harness | undefined;
function harness(): Harness {
  // The ring's bindings list the stand-in's origin in ALLOWED_ORIGINS and give it FAKE_OPENAI_API_KEY (vitest.config.mts).
  deployment ??= workerHarness({ registry: createDefaultRegistry(), pipelines: {} });
  return deployment;
}

interface FakeRequestSeen {
  route: string;
  prompt: string;
}

async function generationRequests(): Promise<FakeRequestSeen[]> {
  return (await fakeOpenAI.requests()).filter((r) => r.route === "chat" || r.route === "completions");
}

async function script(match: string, usage: { prompt_tokens: number; completion_tokens: number }): Promise<void> {
  await fakeOpenAI.script({ match, behaviours: [{ kind: "reply", text: `answer to ${match}`, usage }], repeat_last: true });
}

function chat(name: string, instructions: string[], generationKwargs: Record<string, unknown>): Pipeline {
  return new Pipeline({ name }).build(() => {
    new LoadDataFromDicts({ name: "load", data: instructions.map((instruction) => ({ instruction })), batchSize: 2 }).connect(
      new TextGeneration({ name: "generate", llm: new OpenAILLM({ model: "gpt-4o-mini", ...fakeOpenAI.llm(), generationKwargs }), inputBatchSize: 2 }),
    );
  });
}

async function run(pipeline: Pipeline): Promise<Record<string, unknown>> {
  const { status, body } = await harness().startRun({ pipeline, use_cache: false });
  expect([200, 202], JSON.stringify(body)).toContain(status);
  const finished = await harness().waitForRun(body.id);
  expect(finished.status, JSON.stringify(finished.errors)).toBe("succeeded");
  return finished;
}

interface Usage {
  requests: number;
  input_tokens: number;
  output_tokens: number;
  cached_requests: number;
  cost_usd: number | null;
}

describe("pay once: the response cache and live usage over the OpenAI stand-in", () => {
  it("reports usage equal to the tokens the server returned, summed, per step and per model, with a cost", async () => {
    await fakeOpenAI.reset();
    const billed = [
      { match: "usage-one", usage: { prompt_tokens: 11, completion_tokens: 3 } },
      { match: "usage-two", usage: { prompt_tokens: 17, completion_tokens: 5 } },
      { match: "usage-three", usage: { prompt_tokens: 23, completion_tokens: 7 } },
    ];
    for (const b of billed) await script(b.match, b.usage);
    // Sampled (temperature 0.7, no seed): never cached, every prompt is a call.
    const finished = await run(
      chat(
        "usage-live",
        billed.map((b) => `say ${b.match}`),
        { temperature: 0.7 },
      ),
    );

    expect((await generationRequests()).length).toBe(3);
    const usage = finished.usage as Usage;
    expect(usage).toMatchObject({ requests: 3, input_tokens: 11 + 17 + 23, output_tokens: 3 + 5 + 7, cached_requests: 0 });
    // gpt-4o-mini's list price: $0.15 and $0.60 per million input and output tokens.
    expect(usage.cost_usd).toBeCloseTo(((11 + 17 + 23) * 0.15 + (3 + 5 + 7) * 0.6) / 1e6, 12);
    expect((finished.steps as Record<string, { usage: Usage }>).generate?.usage).toEqual(finished.usage);
    expect((finished.steps as Record<string, { usage: Usage }>).load?.usage.requests).toBe(0);
    expect(Object.keys(finished.usage_by_model as object)).toEqual(["OpenAILLM:gpt-4o-mini"]);

    const card = await harness().request(`/v1/runs/${String(finished.id)}/README.md`);
    expect(card.status).toBe(200);
    const text = await card.text();
    expect(text).toContain("## LLM usage");
    expect(text).toContain("| OpenAILLM:gpt-4o-mini | 3 | 0 | 51 | 15 |");
  });

  it("makes no call for the prompts a second pipeline shares with the first at temperature 0", async () => {
    await fakeOpenAI.reset();
    const shared = ["shared prompt alpha", "shared prompt beta", "shared prompt gamma"];
    await run(chat("cache-first", [...shared, "only in the first"], { temperature: 0 }));
    expect((await generationRequests()).length).toBe(4);

    await fakeOpenAI.reset();
    const second = await run(chat("cache-second", ["only in the second", ...shared], { temperature: 0 }));
    const prompts = (await generationRequests()).map((r) => r.prompt);
    expect(prompts).toEqual(["only in the second"]);
    expect((second.usage as Usage).requests).toBe(1);
    expect((second.usage as Usage).cached_requests).toBe(3);

    const cache = await harness().json<{ entries: number; bytes: number; prefix: string }>("/v1/cache");
    expect(cache.status).toBe(200);
    expect(cache.body.prefix).toBe("cache/responses/");
    expect(cache.body.entries).toBeGreaterThanOrEqual(5);
    expect(cache.body.bytes).toBeGreaterThan(0);
  });
});
