import { describe, expect, it } from "vitest";
import { createDefaultRegistry } from "../../src/default-registry.js";
import { OpenAILLM } from "../../src/llms/providers/openai-llm.js";
import { Pipeline } from "../../src/pipeline/pipeline.js";
import { dumpPipeline } from "../../src/pipeline/serialize.js";
import { LoadDataFromDicts } from "../../src/steps/builtin/loaders/load-data-from-dicts.js";
import { TextGeneration } from "../../src/tasks/text-generation/text-generation.js";
import { fakeOpenAI } from "../support/fake-openai-control.js";
import { postJson, workerHarness, type Harness } from "../support/worker-harness.js";

/**
 * Budgets over the real run object, queues and R2, against the loopback OpenAI stand-in (which
 * counts the calls it answers): a run stops within one batch of its budget, keeps what it did,
 * and a resume with a higher budget finishes it without calling again for the batches done.
 */

let deployment: Harness | undefined;
function harness(): Harness {
  // A registered pipeline with a budget of its own, which a request's budget overrides.
  const budgeted = { build: () => pipelineObject("budget-registered", "budget-registered"), budget: { maxRequests: 7 } };
  deployment ??= workerHarness({ registry: createDefaultRegistry(), pipelines: { budgeted } });
  return deployment;
}

interface Usage {
  requests: number;
  cost_usd: number | null;
}

interface RunBody {
  id: string;
  status: string;
  stop?: { reason: string; message: string };
  budget?: { max_cost_usd: number | null; max_requests: number | null };
  usage: Usage;
  steps: Record<string, { rows_out: number; batches_done: number }>;
  error?: { code: string; message: string; details?: Record<string, unknown> };
}

async function calls(): Promise<string[]> {
  return (await fakeOpenAI.requests()).filter((r) => r.route === "chat").map((r) => r.prompt);
}

/** 20 rows in batches of 5 into a sampled TextGeneration (temperature 0.7: no response cache), one call a row. */
function pipeline(name: string, tag: string, model = "gpt-4o-mini"): Record<string, unknown> {
  return dumpPipeline(pipelineObject(name, tag, model)) as Record<string, unknown>;
}

function pipelineObject(name: string, tag: string, model = "gpt-4o-mini"): Pipeline {
  return new Pipeline({ name }).build(() => {
    new LoadDataFromDicts({
      name: "load",
      data: Array.from({ length: 20 }, (_, i) => ({ instruction: `${tag} row ${String(i).padStart(2, "0")}` })),
      batchSize: 5,
    }).connect(
      new TextGeneration({ name: "generate", llm: new OpenAILLM({ model, ...fakeOpenAI.llm(), generationKwargs: { temperature: 0.7 } }), inputBatchSize: 5 }),
    );
  });
}

async function start(body: Record<string, unknown>): Promise<RunBody> {
  const { status, body: started } = await harness().startRun({ use_cache: false, ...body });
  expect(status, JSON.stringify(started)).toBe(202);
  return (await harness().waitForRun(started.id)) as unknown as RunBody;
}

async function resume(id: string, budget: Record<string, unknown>): Promise<{ status: number; body: RunBody }> {
  return harness().json<RunBody>(`/v1/runs/${id}/resume`, postJson(budget));
}

async function rows(id: string): Promise<string[]> {
  const { status, body } = await harness().json<{ rows: Array<{ instruction: string }> }>(`/v1/runs/${id}/rows?length=100`);
  expect(status).toBe(200);
  return body.rows.map((r) => r.instruction);
}

const allRows = (tag: string) => Array.from({ length: 20 }, (_, i) => `${tag} row ${String(i).padStart(2, "0")}`);

describe("budgets over the OpenAI stand-in", () => {
  it("stops at max_requests within one batch, keeps its rows, and a resume with a higher budget finishes it", async () => {
    await fakeOpenAI.reset();
    // 5 calls a batch: 12 allows two batches; a third would make 15.
    const stopped = await start({ pipeline: pipeline("budget-requests", "budget-req"), max_requests: 12 });
    expect(stopped.status).toBe("stopped");
    expect(stopped.stop?.reason).toBe("budget");
    expect(stopped.stop?.message).toContain("max_requests 12");
    expect(stopped.budget).toEqual({ max_requests: 12, max_cost_usd: null });
    expect(stopped.usage.requests).toBe(10);
    expect(stopped.steps.generate?.rows_out).toBe(10);
    expect(stopped.steps.generate?.batches_done).toBe(2);
    const before = await calls();
    expect(before).toHaveLength(10);

    const log = await harness().text(`/v1/runs/${stopped.id}/logs`);
    expect(log).toContain("Run status: stopped (budget): budget reached");

    // The same budget cannot send anything: refused, and the run stays stopped.
    const refused = await resume(stopped.id, {});
    expect(refused.status).toBe(409);
    expect(refused.body.error?.code).toBe("conflict");
    expect(refused.body.error?.details?.field).toBe("max_requests");
    expect((await harness().json<RunBody>(`/v1/runs/${stopped.id}`)).body.status).toBe("stopped");

    const resumed = await resume(stopped.id, { max_requests: 40 });
    expect(resumed.status, JSON.stringify(resumed.body)).toBe(200);
    const finished = (await harness().waitForRun(stopped.id)) as unknown as RunBody;
    expect(finished.status).toBe("succeeded");
    expect(finished.stop).toBeUndefined();
    expect(finished.usage.requests).toBe(20);
    const after = await calls();
    expect(after).toHaveLength(20);
    // No prompt was sent twice: the batches done before the stop were kept, not redone.
    expect(new Set(after).size).toBe(20);
    expect(await rows(stopped.id)).toEqual(allRows("budget-req"));
  });

  it("stops at max_cost_usd (prices from the table) within one batch and finishes with a higher one", async () => {
    await fakeOpenAI.reset();
    await fakeOpenAI.script({
      match: "budget-cost",
      behaviours: [{ kind: "reply", text: "priced answer", usage: { prompt_tokens: 1000, completion_tokens: 1000 } }],
      repeat_last: true,
    });
    // gpt-4o-mini: $0.00075 a call, $0.00375 a batch of 5; $0.009 allows two batches, not three.
    const stopped = await start({ pipeline: pipeline("budget-cost", "budget-cost"), max_cost_usd: 0.009 });
    expect(stopped.status).toBe("stopped");
    expect(stopped.stop?.reason).toBe("budget");
    expect(stopped.usage.requests).toBe(10);
    expect(stopped.usage.cost_usd).toBeCloseTo(10 * 0.00075, 9);
    expect(stopped.usage.cost_usd as number).toBeLessThanOrEqual(0.009);
    expect(await calls()).toHaveLength(10);

    expect((await resume(stopped.id, { max_cost_usd: 1 })).status).toBe(200);
    const finished = (await harness().waitForRun(stopped.id)) as unknown as RunBody;
    expect(finished.status).toBe("succeeded");
    expect(finished.budget).toEqual({ max_cost_usd: 1, max_requests: null });
    expect(finished.usage.cost_usd).toBeCloseTo(20 * 0.00075, 9);
    const after = await calls();
    expect(after).toHaveLength(20);
    expect(new Set(after).size).toBe(20);
    expect(await rows(stopped.id)).toEqual(allRows("budget-cost"));
  });

  it("takes a registered pipeline's budget unless the request gives one", async () => {
    await fakeOpenAI.reset();
    // maxRequests 7: one batch of 5 (a second would make 10).
    const stopped = await start({ pipeline: "budgeted" });
    expect(stopped.status).toBe("stopped");
    expect(stopped.budget).toEqual({ max_requests: 7, max_cost_usd: null });
    expect(stopped.usage.requests).toBe(5);

    const overridden = await start({ pipeline: "budgeted", max_requests: 100 });
    expect(overridden.status).toBe("succeeded");
    expect(overridden.budget).toEqual({ max_requests: 100, max_cost_usd: null });
    expect(overridden.usage.requests).toBe(20);
  });

  it("answers bad budget values with 400 naming the field", async () => {
    const spec = pipeline("budget-bad", "budget-bad");
    for (const [body, field] of [
      [{ max_requests: 0 }, "max_requests"],
      [{ max_requests: 2.5 }, "max_requests"],
      [{ max_cost_usd: -1 }, "max_cost_usd"],
      [{ max_cost_usd: "ten" }, "max_cost_usd"],
    ] as const) {
      const { status, body: error } = await harness().startRun<RunBody>({ pipeline: spec, ...body });
      expect(status, JSON.stringify(body)).toBe(400);
      expect(error.error?.details?.field).toBe(field);
    }

    const yaml = await harness().request("/v1/runs?max_cost_usd=lots", {
      method: "POST",
      headers: { "content-type": "application/yaml" },
      body: JSON.stringify(spec),
    });
    expect(yaml.status).toBe(400);
    expect(((await yaml.json()) as RunBody).error?.details?.field).toBe("max_cost_usd");

    // A cost budget needs every model's price.
    const unpriced = await harness().startRun<RunBody>({ pipeline: pipeline("budget-unpriced", "budget-unpriced", "stand-in-model"), max_cost_usd: 1 });
    expect(unpriced.status).toBe(400);
    expect(unpriced.body.error?.details).toMatchObject({ field: "max_cost_usd", step: "generate", model: "stand-in-model" });

    const run = await start({ pipeline: spec, max_requests: 100 });
    expect(run.status).toBe("succeeded");
    for (const [body, field] of [
      [{ max_requests: -3 }, "max_requests"],
      [{ max_cost_usd: 0 }, "max_cost_usd"],
      [{ budget: 5 }, "budget"],
    ] as const) {
      const { status, body: error } = await resume(run.id, body);
      expect(status, JSON.stringify(body)).toBe(400);
      expect(error.error?.message).toContain(field);
    }
  });
});
