import { describe, expect, it } from "vitest";
import { runInProcess } from "../../../src/executor/in-process-executor.js";
import { MemoryRunCache } from "../../../src/executor/run-cache.js";
import { OpenAILLM } from "../../../src/llms/providers/openai-llm.js";
import { chain } from "../../../src/pipeline/chain.js";
import { Pipeline } from "../../../src/pipeline/pipeline.js";
import { LoadDataFromDicts } from "../../../src/steps/builtin/loaders/load-data-from-dicts.js";
import { TextGeneration } from "../../../src/tasks/text-generation/text-generation.js";
import { useFakeOpenAIServer } from "../../support/use-fake-openai-server.js";

/** Step-level reuse in-process, over the loopback OpenAI stand-in counting its requests. */

const server = useFakeOpenAIServer();

/** load -> generate -> judge; sampled (temperature > 0, no seed), so the response cache never answers. */
function pipeline(options: { judgeTemperature?: number; generateUseCache?: boolean } = {}): Pipeline {
  const llm = (temperature: number) => new OpenAILLM({ model: "gpt-4o-mini", baseUrl: server.baseUrl, generationKwargs: { temperature } });
  return new Pipeline({ name: "reuse-in-process" }).build(() => {
    const load = new LoadDataFromDicts({ name: "load", data: [1, 2, 3, 4].map((i) => ({ instruction: `question ${i}` })), batchSize: 3 });
    const generate = new TextGeneration({ name: "generate", llm: llm(0.7), inputBatchSize: 2, useCache: options.generateUseCache ?? true });
    const judge = new TextGeneration({
      name: "judge",
      llm: llm(options.judgeTemperature ?? 0.7),
      inputMappings: { instruction: "generation" },
      outputMappings: { generation: "verdict" },
    });
    chain(load, generate, judge);
  });
}

const prompts = (from: number) => server.generationRequests.slice(from).map((r) => r.prompt);

describe("step-level reuse in-process", () => {
  it("re-running with only the last step changed calls the model for that step only; use_cache false recomputes a step and its descendants", async () => {
    const cache = new MemoryRunCache();
    const start = server.generationRequests.length;
    const first = await runInProcess(pipeline(), { cache });
    expect(prompts(start)).toHaveLength(8);

    const mark = server.generationRequests.length;
    const lines: string[] = [];
    const second = await runInProcess(pipeline({ judgeTemperature: 0.9 }), { cache, onLog: (l) => lines.push(...l) });
    expect(second.fromCache).toBe(false);
    const calls = prompts(mark);
    expect(calls).toHaveLength(4);
    expect(calls.every((p) => p.startsWith("echo: question"))).toBe(true);
    expect(second.state.plan.steps.generate?.reused_from).toBe(first.runId);
    expect(second.state.plan.steps.load?.reused_from).toBe(first.runId);
    expect(second.state.plan.steps.judge?.reused_from).toBeUndefined();
    expect(lines.join("\n")).toContain(`Step 'generate' reused from run '${first.runId}'`);
    const pairs = (rows: Array<Record<string, unknown>>) => rows.map((r) => `${String(r.instruction)} -> ${String(r.generation)}`);
    expect(pairs(second.distiset.rows())).toEqual(pairs(first.distiset.rows()));

    const mark2 = server.generationRequests.length;
    const third = await runInProcess(pipeline({ judgeTemperature: 0.9, generateUseCache: false }), { cache });
    expect(prompts(mark2)).toHaveLength(8);
    expect(third.state.plan.steps.load?.reused_from).toBe(first.runId);
    expect(third.state.plan.steps.generate?.reused_from).toBeUndefined();
    expect(third.distiset.rows()).toHaveLength(4);
  });
});
