import { describe, expect, it } from "vitest";
import { createDefaultRegistry } from "../../src/default-registry.js";
import { OpenAILLM } from "../../src/llms/providers/openai-llm.js";
import { chain } from "../../src/pipeline/chain.js";
import { Pipeline } from "../../src/pipeline/pipeline.js";
import { LoadDataFromDicts } from "../../src/steps/builtin/loaders/load-data-from-dicts.js";
import { TextGeneration } from "../../src/tasks/text-generation/text-generation.js";
import { fakeOpenAI } from "../support/fake-openai-control.js";
import { workerHarness, type Harness } from "../support/worker-harness.js";

/**
 * Step-level reuse on Workers (real Durable Objects, Queues and R2) over the loopback OpenAI
 * stand-in, counting its requests: a re-run of a changed pipeline calls the model only for the
 * changed steps and what is downstream of them.
 */

let deployment: Harness | undefined;
function harness(): Harness {
  deployment ??= workerHarness({ registry: createDefaultRegistry(), pipelines: {} });
  return deployment;
}

interface StepView {
  status: string;
  rows_out: number;
  reused_from?: string;
  usage?: { requests: number };
}

/** Generation requests the stand-in saw for this test's prompts (every prompt carries its tag). */
async function requestsFor(tag: string): Promise<string[]> {
  return (await fakeOpenAI.requests()).filter((r) => r.route === "chat" && r.prompt.includes(tag)).map((r) => r.prompt);
}

/**
 * load -> generate -> judge, both LLM steps sampled (temperature > 0, no seed) so the response
 * cache stays out of it: every call the stand-in sees is a call a step made.
 */
function pipeline(tag: string, options: { judgeTemperature?: number; generateUseCache?: boolean } = {}): Pipeline {
  const llm = (temperature: number) => new OpenAILLM({ model: "gpt-4o-mini", ...fakeOpenAI.llm(), generationKwargs: { temperature } });
  return new Pipeline({ name: `reuse-${tag}` }).build(() => {
    const load = new LoadDataFromDicts({ name: "load", data: [1, 2, 3, 4, 5].map((i) => ({ instruction: `${tag} question ${i}` })), batchSize: 2 });
    const generate = new TextGeneration({ name: "generate", llm: llm(0.7), inputBatchSize: 2, useCache: options.generateUseCache ?? true });
    const judge = new TextGeneration({
      name: "judge",
      llm: llm(options.judgeTemperature ?? 0.7),
      inputMappings: { instruction: "generation" },
      outputMappings: { generation: "verdict" },
      inputBatchSize: 3,
    });
    chain(load, generate, judge);
  });
}

async function run(p: Pipeline): Promise<{ id: string; steps: Record<string, StepView>; body: Record<string, unknown> }> {
  const { status, body } = await harness().startRun({ pipeline: p });
  expect(status, JSON.stringify(body)).toBe(202);
  const finished = await harness().waitForRun(body.id);
  expect(finished.status, JSON.stringify(finished.errors)).toBe("succeeded");
  return { id: body.id, steps: finished.steps as Record<string, StepView>, body: finished };
}

async function verdicts(id: string): Promise<string[]> {
  const { body } = await harness().json<{ rows: Array<{ instruction: string; verdict: string }> }>(`/v1/runs/${id}/rows?length=100`);
  return body.rows.map((r) => `${r.instruction} => ${r.verdict}`).sort();
}

describe("step-level reuse over the OpenAI stand-in", () => {
  it("re-running with only the last step changed calls the model only for that step, and shows the others as reused", async () => {
    const tag = `last-${crypto.randomUUID().slice(0, 8)}`;
    const first = await run(pipeline(tag));
    const generated = (await requestsFor(tag)).filter((p) => !p.startsWith("echo:"));
    expect(generated).toHaveLength(5);
    expect(await requestsFor(`echo: ${tag}`)).toHaveLength(5);
    expect(first.steps.generate?.reused_from).toBeUndefined();

    const before = (await requestsFor(tag)).length;
    const second = await run(pipeline(tag, { judgeTemperature: 0.9 }));
    const calls = (await requestsFor(tag)).slice(before);
    // Only the judge's prompts (the generations, `echo: ...`): 0 calls for load and generate.
    expect(calls).toHaveLength(5);
    expect(calls.every((p) => p.startsWith("echo:"))).toBe(true);
    expect(second.steps.load?.reused_from).toBe(first.id);
    expect(second.steps.generate?.reused_from).toBe(first.id);
    expect(second.steps.generate?.status).toBe("finished");
    expect(second.steps.generate?.usage?.requests).toBe(0);
    expect(second.steps.judge?.reused_from).toBeUndefined();
    expect(second.steps.judge?.usage?.requests).toBe(5);
    expect(second.steps.judge?.rows_out).toBe(5);
    // The judge read the first run's generations: the same rows, in a Distiset of the second run.
    expect(await verdicts(second.id)).toEqual(await verdicts(first.id));
    const log = await harness().text(`/v1/runs/${second.id}/logs`);
    expect(log).toContain(`Step 'generate' reused from run '${first.id}'`);

    // Unchanged again: the whole run is served from the cache (200), no call at all.
    const again = await harness().startRun<{ cached: boolean }>({ pipeline: pipeline(tag, { judgeTemperature: 0.9 }) });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(second.id);
    expect((await requestsFor(tag)).length).toBe(before + 5);
  });

  it("a step with use_cache false is recomputed with its descendants; the steps upstream of it are reused", async () => {
    const tag = `nocache-${crypto.randomUUID().slice(0, 8)}`;
    const first = await run(pipeline(tag));
    const before = (await requestsFor(tag)).length;
    expect(before).toBe(10);

    const second = await run(pipeline(tag, { generateUseCache: false }));
    const calls = (await requestsFor(tag)).slice(before);
    expect(calls.filter((p) => !p.startsWith("echo:"))).toHaveLength(5);
    expect(calls.filter((p) => p.startsWith("echo:"))).toHaveLength(5);
    expect(second.id).not.toBe(first.id);
    expect(second.steps.load?.reused_from).toBe(first.id);
    expect(second.steps.generate?.reused_from).toBeUndefined();
    expect(second.steps.judge?.reused_from).toBeUndefined();
    expect(second.steps.generate?.usage?.requests).toBe(5);
  });

  it("never reuses a step whose stored outputs have failed rows, unless the run accepts failed rows", async () => {
    const tag = `failed-${crypto.randomUUID().slice(0, 8)}`;
    await fakeOpenAI.script({ match: `${tag} question 3`, behaviours: [{ kind: "error", status: 400, message: "bad request" }] });
    const { status, body } = await harness().startRun({ pipeline: pipeline(tag) });
    expect(status).toBe(202);
    const first = await harness().waitForRun(body.id);
    expect(first.status).toBe("succeeded");
    expect((first.steps as Record<string, { failed_rows: number }>).generate?.failed_rows).toBe(1);
    const before = (await requestsFor(tag)).length;

    // Accepted: the imputed outputs are reused, only the changed judge calls the model.
    const accepted = await harness().startRun({ pipeline: pipeline(tag, { judgeTemperature: 0.9 }), accept_failed_rows: true });
    const second = await harness().waitForRun(accepted.body.id);
    expect((second.steps as Record<string, StepView>).generate?.reused_from).toBe(body.id);
    const afterSecond = (await requestsFor(tag)).length;
    // The judge skips the row whose generation is null: 4 calls.
    expect(afterSecond - before).toBe(4);

    // Not accepted: generate is computed again (and the judge after it); load is still reused.
    const third = await run(pipeline(tag, { judgeTemperature: 0.95 }));
    expect(third.steps.load?.reused_from).toBe(body.id);
    expect(third.steps.generate?.reused_from).toBeUndefined();
    expect(third.steps.generate?.usage?.requests).toBe(5);
    expect(third.steps.generate?.rows_out).toBe(5);
    expect((await requestsFor(tag)).length - afterSecond).toBe(10);
  });

  it("reuses nothing when the request turns use_cache off", async () => {
    const tag = `off-${crypto.randomUUID().slice(0, 8)}`;
    await run(pipeline(tag));
    const { status, body } = await harness().startRun({ pipeline: pipeline(tag), use_cache: false });
    expect(status).toBe(202);
    const finished = await harness().waitForRun(body.id);
    expect(finished.status).toBe("succeeded");
    expect(Object.values(finished.steps as Record<string, StepView>).every((s) => s.reused_from === undefined)).toBe(true);
    expect(await requestsFor(tag)).toHaveLength(20);
  });
});
