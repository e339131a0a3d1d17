import { describe, expect, it } from "vitest";
import { createDefaultRegistry } from "../../../src/default-registry.js";
import { MixtureOfAgentsLLM, REFERENCES_INSTRUCTION } from "../../../src/llms/providers/mixture-of-agents-llm.js";
import { OpenAILLM } from "../../../src/llms/providers/openai-llm.js";
import { behaviours, type FakeRequest } from "../../support/fake-openai-server.js";
import { useFakeOpenAIServer } from "../../support/use-fake-openai-server.js";
import { FAST_RETRIES, llmContext } from "./support/llm-context.js";

// Each model answers in its own words so the aggregator's prompt shows who said what.
const server = useFakeOpenAIServer(
  { replyFor: (request) => `${(request.body as { model: string }).model} says ${request.prompt.length}` },
  { resetAfterEach: true },
);

function openai(model: string): OpenAILLM {
  const llm = new OpenAILLM({ model, baseUrl: server.baseUrl, maxRetries: 0 });
  llm.retryTiming = FAST_RETRIES;
  return llm;
}

function mixture(rounds = 1): MixtureOfAgentsLLM {
  return new MixtureOfAgentsLLM({ aggregatorLlm: openai("aggregator"), proposersLlms: [openai("proposer-a"), openai("proposer-b")], rounds });
}

const byModel = (model: string) => (request: FakeRequest) => (request.body as { model?: string }).model === model;
const systemOf = (request: FakeRequest | undefined): string => {
  const messages = (request?.body as { messages: Array<{ role: string; content: string }> } | undefined)?.messages ?? [];
  return messages[0]?.role === "system" ? messages[0].content : "";
};

describe("MixtureOfAgentsLLM", () => {
  it("puts the proposers' answers into the aggregator's system prompt", async () => {
    const llm = mixture();
    const question = [
      { role: "system" as const, content: "You are helpful." },
      { role: "user" as const, content: "What is 2+2?" },
    ];
    const [output] = await llm.generate([question], { numGenerations: 1, context: llmContext() });
    expect(output?.generations).toEqual(["aggregator says 12"]);
    const aggregatorRequest = server.generationRequests.find(byModel("aggregator"));
    expect(systemOf(aggregatorRequest)).toBe(
      `You are helpful.\n\n${REFERENCES_INSTRUCTION}\n\nDraft answers:\n\n1. proposer-a says 12\n\n2. proposer-b says 12`,
    );
    expect(server.generationRequests.filter(byModel("proposer-a")).map(systemOf)).toEqual(["You are helpful."]);
    expect(llm.modelName).toBe("moa-aggregator-proposer-a-proposer-b");
    // Statistics count every call of the mixture: the proposers' tokens are added to the aggregator's.
    const words = (request: FakeRequest | undefined): number =>
      ((request?.body as { messages: Array<{ content: string }> } | undefined)?.messages ?? [])
        .map((m) => m.content)
        .join(" ")
        .split(/\s+/)
        .filter(Boolean).length;
    const proposerInput = 2 * 6; // "You are helpful." + "What is 2+2?" for each proposer
    const proposerOutput = 2 * 3; // "proposer-x says 12"
    expect(output?.statistics.input_tokens).toEqual([words(aggregatorRequest) + proposerInput]);
    expect(output?.statistics.output_tokens).toEqual([3 + proposerOutput]);
  });

  it("runs later rounds with the previous round's answers", async () => {
    await mixture(2).generate([[{ role: "user", content: "Why?" }]], { numGenerations: 1, context: llmContext() });
    const proposerA = server.generationRequests.filter(byModel("proposer-a"));
    expect(proposerA).toHaveLength(2);
    expect(systemOf(proposerA[0])).toBe("");
    expect(systemOf(proposerA[1])).toContain("1. proposer-a says 4\n\n2. proposer-b says 4");
    expect(server.generationRequests.filter(byModel("aggregator"))).toHaveLength(1);
  });

  it("goes on without a proposer that failed, and fails the row when all did", async () => {
    server.scriptFor(byModel("proposer-b"), [behaviours.error(400, "bad model")], { repeatLast: true });
    const context = llmContext();
    const [output] = await mixture().generate([[{ role: "user", content: "hm" }]], { numGenerations: 1, context });
    expect(output?.generations).toEqual(["aggregator says 2"]);
    expect(systemOf(server.generationRequests.find(byModel("aggregator")))).toContain("1. proposer-a says 2");
    expect(systemOf(server.generationRequests.find(byModel("aggregator")))).not.toContain("2. ");
    expect(context.logger.lines.some((l) => l.includes("proposers failed in round 1: proposer-b"))).toBe(true);

    server.reset();
    server.always(behaviours.error(400, "nobody home"));
    const [failed] = await mixture().generate([[{ role: "user", content: "hm" }]], { numGenerations: 1, context: llmContext() });
    expect(failed?.generations).toEqual([null]);
    expect(failed?.error).toMatch(/^every proposer failed in round 1: proposer-a: .*nobody home/);
  });

  it("serializes its nested LLMs and loads back through the registry", () => {
    const llm = mixture(2);
    const dump = llm.dump();
    expect(dump).toMatchObject({
      type_info: { name: "MixtureOfAgentsLLM" },
      rounds: 2,
      aggregator_llm: { type_info: { name: "OpenAILLM" }, model: "aggregator" },
      proposers_llms: [{ model: "proposer-a" }, { model: "proposer-b" }],
    });
    const loaded = createDefaultRegistry().load<MixtureOfAgentsLLM>(dump, "llm");
    expect(loaded.dump()).toEqual(dump);
    loaded.setRuntimeParameters({ aggregator_llm: { generation_kwargs: { temperature: 0.1 } }, proposers_llms: { "1": { max_retries: 2 } } }, ["moa"]);
    expect(loaded.attrs.aggregatorLlm.generationKwargs).toEqual({ temperature: 0.1 });
    const names = loaded.runtimeParametersInfo().map((entry) => entry.name);
    expect(names).toEqual(expect.arrayContaining(["aggregator_llm", "proposers_llms"]));
  });
});
