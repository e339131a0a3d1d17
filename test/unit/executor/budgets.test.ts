import { describe, expect, it } from "vitest";
import { runInProcess } from "../../../src/executor/in-process-executor.js";
import { MemoryRunCache } from "../../../src/executor/run-cache.js";
import { OpenAILLM } from "../../../src/llms/providers/openai-llm.js";
import { Pipeline } from "../../../src/pipeline/pipeline.js";
import { LoadDataFromDicts } from "../../../src/steps/builtin/loaders/load-data-from-dicts.js";
import { TextGeneration } from "../../../src/tasks/text-generation/text-generation.js";
import { useFakeOpenAIServer } from "../../support/use-fake-openai-server.js";

const server = useFakeOpenAIServer();

const instructions = Array.from({ length: 12 }, (_, i) => `budget in process ${i}`);

function build(model: string): Pipeline {
  return new Pipeline({ name: "budget-in-process" }).build(() => {
    new LoadDataFromDicts({ name: "load", data: instructions.map((instruction) => ({ instruction })), batchSize: 4 }).connect(
      new TextGeneration({
        name: "generate",
        llm: new OpenAILLM({ model, baseUrl: server.baseUrl, generationKwargs: { temperature: 0.7 } }),
        inputBatchSize: 4,
      }),
    );
  });
}

const services = { secret: (name: string) => (name === "OPENAI_API_KEY" ? "sk-test" : undefined) };

describe("budgets in process", () => {
  it("stops a run at maxRequests within one batch and resumes it from the cache with a higher one", async () => {
    server.reset();
    const cache = new MemoryRunCache();
    const stopped = await runInProcess(build("fake-gpt"), { cache, services, maxRequests: 9, partial: true });
    expect(stopped.state.status).toBe("stopped");
    expect(stopped.state.stop?.reason).toBe("budget");
    // 4 calls a batch: 9 allows two batches, a third would make 12.
    expect(server.generationRequests).toHaveLength(8);

    const finished = await runInProcess(build("fake-gpt"), { cache, services, maxRequests: 20 });
    expect(finished.state.status).toBe("succeeded");
    expect(server.generationRequests).toHaveLength(12);
    expect(finished.distiset.rows("default").map((r) => r.instruction)).toEqual(instructions);
  });

  it("refuses maxCostUsd when a model has no price", async () => {
    await expect(runInProcess(build("fake-gpt"), { cache: new MemoryRunCache(), services, maxCostUsd: 1 })).rejects.toThrow(
      /step 'generate' calls OpenAILLM model 'fake-gpt', which has none/,
    );
  });
});
