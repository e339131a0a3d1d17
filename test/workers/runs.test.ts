import { env } from "cloudflare:workers";
import { createMessageBatch, createExecutionContext, getQueueResult } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createDefaultRegistry } from "../../src/default-registry.js";
import { Pipeline } from "../../src/pipeline/pipeline.js";
import { chain } from "../../src/pipeline/chain.js";
import { sampleNSteps } from "../../src/pipeline/routing-batch-function.js";
import { dumpPipeline, pipelineToYaml } from "../../src/pipeline/serialize.js";
import { LoadDataFromDicts } from "../../src/steps/builtin/loaders/load-data-from-dicts.js";
import { GroupColumns } from "../../src/steps/builtin/columns/group-columns.js";
import { KeepColumns } from "../../src/steps/builtin/columns/keep-columns.js";
import { defineStep } from "../../src/steps/step-factory.js";
import { runtimeParameter } from "../../src/components/attributes.js";
import { TextGeneration } from "../../src/tasks/text-generation/text-generation.js";
import { OpenAILLM } from "../../src/llms/providers/openai-llm.js";
import { readParquetRows } from "../../src/distiset/parquet/index.js";
import { consumeWork } from "../../queues/work-consumer.js";
import { ScriptedLLM } from "../support/scripted-llm.js";
import { postJson, workerHarness, type RunRequest } from "../support/worker-harness.js";

/** A global step: numbers every row it receives, all at once. */
const NumberRows = defineStep({
  name: "NumberRows",
  kind: "global",
  inputs: ["instruction"],
  outputs: ["row_number"],
  process: ([rows]) => (rows ?? []).map((row, i) => ({ ...row, row_number: i })),
});

/** Counts characters; `multiplier` is a runtime parameter. */
const Length = defineStep({
  name: "Length",
  inputs: ["instruction"],
  outputs: ["length"],
  parameters: { multiplier: runtimeParameter(z.number().default(1), "Scales the length.") },
  process: ([rows], { multiplier }) => (rows ?? []).map((row) => ({ ...row, length: String(row.instruction).length * multiplier })),
});

/** Pairs the rows of its two predecessors by position ("-" where one ran out). */
const Zip = defineStep({
  name: "Zip",
  multipleInputs: true,
  inputs: ["a", "b"],
  outputs: ["pair"],
  process: ([left, right]) =>
    Array.from({ length: Math.max(left?.length ?? 0, right?.length ?? 0) }, (_, i) => ({
      pair: `${String(left?.[i]?.a ?? "-")}|${String(right?.[i]?.b ?? "-")}`,
    })),
});

const registry = createDefaultRegistry().register(ScriptedLLM, NumberRows, Length, Zip);
const harness = workerHarness({ registry, pipelines: {} });

const prompts = (n: number) => Array.from({ length: n }, (_, i) => ({ prompt: `prompt number ${i}` }));

function quickstart(name: string, rows = 7): Pipeline {
  return new Pipeline({ name }).build(() => {
    const load = new LoadDataFromDicts({ name: "load_dataset", data: prompts(rows), batchSize: 3, outputMappings: { prompt: "instruction" } });
    const generate = new TextGeneration({ name: "text_generation", llm: new ScriptedLLM({ replies: ["echo: {input}"] }), inputBatchSize: 2 });
    load.connect(generate);
  });
}

async function startRun(body: RunRequest) {
  const { status, body: started } = await harness.startRun<{ status: string; cached: boolean }>(body);
  expect([200, 202], JSON.stringify(started)).toContain(status);
  return started;
}

async function fileRows(path: string): Promise<Array<Record<string, unknown>>> {
  const response = await harness.request(path);
  expect(response.status).toBe(200);
  return readParquetRows(new Uint8Array(await response.arrayBuffer()));
}

describe("whole runs inside workerd (Durable Object -> Queue -> consumer -> R2)", () => {
  it("runs the quickstart shape and serves its Distiset as Parquet and JSON rows", async () => {
    const started = await startRun({ pipeline: quickstart("wk-quickstart"), use_cache: false });
    const run = await harness.waitForRun(started.id);
    expect(run.status).toBe("succeeded");
    const steps = run.steps as Record<string, { status: string; rows_out: number; batches_done: number }>;
    expect(steps.load_dataset).toMatchObject({ status: "finished", rows_out: 7, batches_done: 3 });
    expect(steps.text_generation).toMatchObject({ status: "finished", rows_out: 7, batches_done: 4 });

    const { body: manifest } = await harness.json<{
      configs: Record<string, { columns: string[]; splits: { train: { num_rows: number; files: Array<{ path: string }> } } }>;
    }>(`/v1/runs/${started.id}/distiset`);
    expect(Object.keys(manifest.configs)).toEqual(["default"]);
    const config = manifest.configs.default!;
    expect(config.splits.train.num_rows).toBe(7);
    expect(config.columns).toEqual(["instruction", "generation", "model_name"]);
    const rows = (await Promise.all(config.splits.train.files.map((f) => fileRows(f.path)))).flat();
    expect(rows.map((r) => r.instruction)).toEqual(prompts(7).map((p) => p.prompt));
    expect(rows.map((r) => r.generation)).toEqual(prompts(7).map((p) => `echo: ${p.prompt}`));
    expect(rows.every((r) => r.model_name === "scripted-model")).toBe(true);

    const { body: preview } = await harness.json<{ rows: Array<Record<string, unknown>>; num_rows: number }>(`/v1/runs/${started.id}/rows?offset=2&length=3`);
    expect(preview.num_rows).toBe(7);
    expect(preview.rows.map((r) => r.instruction)).toEqual(["prompt number 2", "prompt number 3", "prompt number 4"]);

    const yaml = await harness.text(`/v1/runs/${started.id}/pipeline.yaml`);
    expect(yaml).toContain("name: wk-quickstart");
    const logs = await harness.text(`/v1/runs/${started.id}/logs`);
    expect(logs).toContain("Run status: succeeded");
    const card = await harness.text(`/v1/runs/${started.id}/README.md`);
    expect(card).toContain("config_name: default");
    expect(card).toContain("prompt number 0");
    const stored = await env.DATA.get(`runs/${started.id}/pipeline.log`);
    expect(await stored?.text()).toContain("Processed batch");
  });

  it("routes each batch to two of three tasks and groups their generations", async () => {
    const pipeline = new Pipeline({ name: "wk-routing" }).build(() => {
      const load = new LoadDataFromDicts({ name: "load_dataset", data: prompts(6).map((p) => ({ instruction: p.prompt })), batchSize: 2 });
      const tasks = [0, 1, 2].map(
        (i) =>
          new TextGeneration({ name: `text_generation_${i}`, llm: new ScriptedLLM({ model: `model-${i}`, replies: [`m${i}: {input}`] }), inputBatchSize: 2 }),
      );
      const group = new GroupColumns({
        name: "combine_generations",
        columns: ["generation", "model_name"],
        outputColumns: ["generations", "model_names"],
        inputBatchSize: 2,
      });
      chain(load, sampleNSteps(2), tasks, group);
    });
    const started = await startRun({ pipeline, use_cache: false });
    const run = await harness.waitForRun(started.id);
    expect(run.status).toBe("succeeded");
    const { body } = await harness.json<{ rows: Array<{ instruction: string; generations: string[]; model_names: string[] }> }>(
      `/v1/runs/${started.id}/rows?length=100`,
    );
    expect(body.rows).toHaveLength(6);
    for (const [i, row] of body.rows.entries()) {
      expect(row.instruction).toBe(`prompt number ${i}`);
      expect(row.generations).toHaveLength(2);
      expect(row.model_names).toHaveLength(2);
      row.generations.forEach((g, j) => expect(g).toBe(`${row.model_names[j]!.replace("model-", "m")}: prompt number ${i}`));
    }
    // every pair of rows came from one routed batch of 2, so they share the two models
    expect(body.rows[0]!.model_names).toEqual(body.rows[1]!.model_names);
  });

  it("runs a global step in its own load stage and two leaves as two configs", async () => {
    const pipeline = new Pipeline({ name: "wk-stages" }).build(() => {
      const load = new LoadDataFromDicts({ name: "load", data: prompts(5).map((p) => ({ instruction: p.prompt })), batchSize: 2 });
      const number = new NumberRows({ name: "number_rows" });
      const length = new Length({ name: "length", inputBatchSize: 4 });
      const keep = new KeepColumns({ name: "keep", columns: ["instruction", "row_number"] });
      load.connect(number, length);
      number.connect(keep);
    });
    const started = await startRun({ pipeline, parameters: { length: { multiplier: 2 } }, use_cache: false });
    const run = await harness.waitForRun(started.id);
    expect(run.status).toBe("succeeded");
    expect((run.stages as Array<{ steps: string[] }>).map((s) => s.steps)).toEqual([["load", "length"], ["number_rows"], ["keep"]]);
    const { body: manifest } = await harness.json<{ configs: Record<string, { columns: string[]; splits: { train: { num_rows: number } } }> }>(
      `/v1/runs/${started.id}/distiset`,
    );
    expect(Object.keys(manifest.configs).sort()).toEqual(["keep", "length"]);
    expect(manifest.configs.keep!.columns).toEqual(["instruction", "row_number"]);
    const { body: kept } = await harness.json<{ rows: Array<{ row_number: number }> }>(`/v1/runs/${started.id}/rows?config=keep`);
    expect(kept.rows.map((r) => r.row_number)).toEqual([0, 1, 2, 3, 4]);
    const { body: lengths } = await harness.json<{ rows: Array<{ instruction: string; length: number }> }>(`/v1/runs/${started.id}/rows?config=length`);
    expect(lengths.rows.map((r) => r.length)).toEqual(lengths.rows.map((r) => r.instruction.length * 2));
  });

  it("answers a damaged distiset.json with a storage_failed error, not a bare 500", async () => {
    const started = await startRun({ pipeline: quickstart("wk-bad-manifest", 2), use_cache: false });
    expect((await harness.waitForRun(started.id)).status).toBe("succeeded");
    await env.DATA.put(`runs/${started.id}/distiset.json`, JSON.stringify({ run_id: started.id, configs: 3 }));
    const { status, body } = await harness.json<{ error: { code: string; message: string } }>(`/v1/runs/${started.id}/distiset`);
    expect(status).toBe(500);
    expect(body.error).toMatchObject({ code: "storage_failed", message: `'runs/${started.id}/distiset.json' is not a valid Distiset manifest` });
  });

  it("accepts the pipeline as YAML with top-level parameters", async () => {
    const yaml = `${pipelineToYaml(quickstart("wk-yaml", 3))}parameters:\n  text_generation:\n    input_batch_size: 1\n`;
    const response = await harness.request("/v1/runs?use_cache=false", { method: "POST", headers: { "content-type": "application/yaml" }, body: yaml });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    const run = await harness.waitForRun(id);
    expect(run.status).toBe("succeeded");
    expect((run.steps as Record<string, { batches_done: number }>).text_generation!.batches_done).toBe(3);
  });

  it("serves a finished run from the cache without running it again", async () => {
    const body = { pipeline: dumpPipeline(quickstart("wk-cache", 2)) };
    const first = await startRun(body);
    await harness.waitForRun(first.id);
    const { status, body: second } = await harness.startRun<{ cached: boolean }>(body);
    expect(status).toBe(200);
    expect(second).toMatchObject({ id: first.id, cached: true });
  });

  it("never serves a run whose rows failed from the cache unless the request accepts failed rows", async () => {
    const pipeline = new Pipeline({ name: "wk-cache-failed-rows" }).build(() => {
      const load = new LoadDataFromDicts({ name: "load", data: [{ instruction: "fine" }, { instruction: "boom" }], batchSize: 2 });
      load.connect(new TextGeneration({ name: "generate", llm: new ScriptedLLM({ failOn: "boom" }), inputBatchSize: 2 }));
    });
    const body = { pipeline: dumpPipeline(pipeline) };
    const first = await startRun(body);
    expect((await harness.waitForRun(first.id)).failed_rows).toBe(1);
    const { status, body: second } = await harness.startRun<{ cached: boolean }>(body);
    expect(status).toBe(202);
    expect(second.cached).toBe(false);
    expect(second.id).not.toBe(first.id);
    await harness.waitForRun(second.id);
    const { status: acceptedStatus, body: accepted } = await harness.startRun<{ cached: boolean }>({ ...body, accept_failed_rows: true });
    expect(acceptedStatus).toBe(200);
    expect(accepted).toMatchObject({ id: second.id, cached: true });
  });

  it("computes a pipeline again when one of its steps sets use_cache: false", async () => {
    const pipeline = new Pipeline({ name: "wk-step-no-cache" }).build(() => {
      const load = new LoadDataFromDicts({ name: "load", data: prompts(2), batchSize: 2, outputMappings: { prompt: "instruction" } });
      load.connect(new TextGeneration({ name: "generate", llm: new ScriptedLLM(), inputBatchSize: 2, useCache: false }));
    });
    const body = { pipeline: dumpPipeline(pipeline) };
    const first = await startRun(body);
    await harness.waitForRun(first.id);
    const { status, body: second } = await harness.startRun<{ cached: boolean }>(body);
    expect(status).toBe(202);
    expect(second.cached).toBe(false);
    expect(second.id).not.toBe(first.id);
    expect((await harness.waitForRun(second.id)).status).toBe("succeeded");
  });

  it("finishes two generators of unequal length feeding one multi-input step (it used to stay running)", async () => {
    const pipeline = new Pipeline({ name: "wk-unequal-generators" }).build(() => {
      const g = new LoadDataFromDicts({ name: "g", data: Array.from({ length: 3 }, (_, i) => ({ a: `g${i}` })), batchSize: 10 });
      const h = new LoadDataFromDicts({ name: "h", data: Array.from({ length: 100 }, (_, i) => ({ b: `h${i}` })), batchSize: 10 });
      const zip = new Zip({ name: "zip", inputBatchSize: 5 });
      g.connect(zip);
      h.connect(zip);
    });
    const started = await startRun({ pipeline, use_cache: false });
    const run = await harness.waitForRun(started.id);
    expect(run.status).toBe("succeeded");
    const { body } = await harness.json<{ rows: Array<{ pair: string }>; num_rows: number }>(`/v1/runs/${started.id}/rows?offset=0&length=4`);
    expect(body.num_rows).toBe(100);
    expect(body.rows.map((r) => r.pair)).toEqual(["g0|h0", "g1|h1", "g2|h2", "-|h3"]);
  });

  it("stops a run gracefully and resumes it to completion", async () => {
    const started = await startRun({ pipeline: quickstart("wk-stop", 12), use_cache: false });
    const { body: stopping } = await harness.json<{ status: string }>(`/v1/runs/${started.id}/stop`, { method: "POST" });
    expect(["stopping", "stopped"]).toContain(stopping.status);
    const stopped = await harness.waitForRun(started.id, { until: ["stopped"] });
    expect(stopped.status).toBe("stopped");
    const { status: conflict } = await harness.json(`/v1/runs/${started.id}/distiset`);
    expect(conflict).toBe(409);
    await harness.json(`/v1/runs/${started.id}/resume`, { method: "POST" });
    const done = await harness.waitForRun(started.id);
    expect(done.status).toBe("succeeded");
    const { body } = await harness.json<{ num_rows: number }>(`/v1/runs/${started.id}/rows`);
    expect(body.num_rows).toBe(12);
  });

  it("a duplicate delivery of a batch message changes nothing", async () => {
    const started = await startRun({ pipeline: quickstart("wk-dup", 4), use_cache: false });
    await harness.waitForRun(started.id);
    const key = `runs/${started.id}/batches/text_generation/0.json`;
    const before = await (await env.DATA.get(key))!.text();
    const work = {
      type: "process",
      id: "process:text_generation:0",
      run_id: started.id,
      step: "text_generation",
      seq_no: 0,
      last_batch: false,
      accumulated: false,
      data: [{ from: "load_dataset", slices: [{ seq_no: 0, start: 0, end: 2 }] }],
      created_from: { load_dataset: [[0, 3, 2]] },
      batch_routed_to: [],
    };
    const batch = createMessageBatch("distilflare-steps", [{ id: "dup-1", timestamp: new Date(), attempts: 1, body: { run_id: started.id, work } }]);
    const ctx = createExecutionContext();
    await consumeWork(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual(["dup-1"]);
    expect(await (await env.DATA.get(key))!.text()).toBe(before);
    const { body } = await harness.json<{ num_rows: number; steps: Record<string, { rows_out: number; batches_done: number }> }>(`/v1/runs/${started.id}`);
    expect(body.steps.text_generation).toMatchObject({ rows_out: 4, batches_done: 2 });
    const { body: rows } = await harness.json<{ num_rows: number }>(`/v1/runs/${started.id}/rows`);
    expect(rows.num_rows).toBe(4);
  });

  it("keeps rows whose step throws, with null outputs and the error recorded", async () => {
    const pipeline = new Pipeline({ name: "wk-failing" }).build(() => {
      const load = new LoadDataFromDicts({
        name: "load",
        data: [{ instruction: "fine" }, { instruction: "boom" }, { instruction: "fine again" }],
        batchSize: 3,
      });
      const generate = new TextGeneration({ name: "generate", llm: new ScriptedLLM({ failOn: "boom", replies: ["ok {input}"] }), inputBatchSize: 3 });
      load.connect(generate);
    });
    const started = await startRun({ pipeline, use_cache: false });
    const run = await harness.waitForRun(started.id);
    expect(run.status).toBe("succeeded");
    expect(run.error_count).toBeGreaterThan(0);
    expect(run.failed_rows).toBe(1);
    expect((run.steps as Record<string, { failed_rows: number }>).generate?.failed_rows).toBe(1);
    const card = await harness.text(`/v1/runs/${started.id}/README.md`);
    expect(card).toContain("| generate | 1 |");
    const { body } = await harness.json<{ rows: Array<{ instruction: string; generation: string | null }> }>(`/v1/runs/${started.id}/rows`);
    expect(body.rows.map((r) => [r.instruction, r.generation])).toEqual([
      ["fine", "ok fine"],
      ["boom", null],
      ["fine again", "ok fine again"],
    ]);
  });
});

describe("bad input is refused before anything is enqueued", () => {
  const expectError = async (init: RequestInit, status: number, code: string, text: string, path = "/v1/runs") => {
    const response = await harness.request(path, init);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(response.status, JSON.stringify(body)).toBe(status);
    expect(body.error.code).toBe(code);
    expect(body.error.message).toContain(text);
  };
  const valid = () => dumpPipeline(quickstart("wk-bad"));

  it("malformed JSON", () =>
    expectError({ method: "POST", headers: { "content-type": "application/json" }, body: "{not json" }, 400, "invalid_request", "Malformed JSON"));
  it("a body that is not an object", () => expectError(postJson([1, 2]), 400, "invalid_request", "must be a JSON object"));
  it("malformed YAML", () =>
    expectError({ method: "POST", headers: { "content-type": "application/yaml" }, body: "pipeline: [unclosed" }, 400, "invalid_pipeline", "Malformed YAML"));
  it("an unknown field", () => expectError(postJson({ pipeline: "x", colour: 1 }), 400, "invalid_request", "'colour'"));
  it("an unknown registered pipeline name", () => expectError(postJson({ pipeline: "nope" }), 404, "not_found", "No registered pipeline named 'nope'"));
  it("an unknown step type", async () => {
    const body = valid();
    (body.pipeline as { steps: Array<{ step: { type_info: { name: string } } }> }).steps[1]!.step.type_info.name = "TextGenerationX";
    await expectError(postJson({ pipeline: body }), 400, "unknown_type", "Unknown step type 'TextGenerationX'");
  });
  it("a cycle", async () => {
    const body = valid();
    (body.pipeline as { connections: Array<{ from: string; to: string[] }> }).connections.push({ from: "text_generation", to: ["load_dataset"] });
    await expectError(postJson({ pipeline: body }), 422, "invalid_dag", "cycle");
  });
  it("a missing input column", async () => {
    const body = valid();
    (body.pipeline as { steps: Array<{ step: Record<string, unknown> }> }).steps[0]!.step.output_mappings = {};
    await expectError(postJson({ pipeline: body }), 422, "invalid_dag", "requires inputs ['instruction'], but only the inputs=['prompt'] are available");
  });
  it("a bad batch size", () =>
    expectError(
      postJson({ pipeline: valid(), parameters: { text_generation: { input_batch_size: 0 } } }),
      400,
      "invalid_runtime_parameter",
      "input_batch_size",
    ));
  it("an unknown runtime parameter", () =>
    expectError(
      postJson({ pipeline: valid(), parameters: { text_generation: { temperature: 1 } } }),
      400,
      "invalid_runtime_parameter",
      "Unknown runtime parameter 'text_generation.temperature'",
    ));
  it("an unknown generation kwarg", () =>
    expectError(
      postJson({ pipeline: valid(), parameters: { text_generation: { llm: { generation_kwargs: { temprature: 1 } } } } }),
      400,
      "invalid_runtime_parameter",
      "temprature",
    ));
  it("a runtime parameter for a step that does not exist", () =>
    expectError(postJson({ pipeline: valid(), parameters: { ghost: { a: 1 } } }), 400, "invalid_runtime_parameter", "'ghost'"));
  it("an oversized body", () =>
    expectError(postJson({ pipeline: "x", dataset: [{ text: "a".repeat(11 * 1024 * 1024) }] }), 413, "payload_too_large", "larger than"));
  it("an unsupported content type", () =>
    expectError({ method: "POST", headers: { "content-type": "text/csv" }, body: "a,b" }, 415, "unsupported_media_type", "text/csv"));
  it("a step that cannot load (its LLM's secret is missing), with distilabel's wording", async () => {
    const pipeline = new Pipeline({ name: "wk-no-secret" }).build(() => {
      const load = new LoadDataFromDicts({ name: "load", data: prompts(2), outputMappings: { prompt: "instruction" } });
      load.connect(new TextGeneration({ name: "generate", llm: new OpenAILLM({ model: "gpt-4o-mini", baseUrl: "https://api.openai.com/v1" }) }));
    });
    await expectError(
      postJson({ pipeline: dumpPipeline(pipeline), use_cache: false }),
      422,
      "step_load_failed",
      "Failed to load all the steps: step 'generate'",
    );
  });
  it("unknown run ids are 404", async () => {
    await expectError({ method: "GET" }, 404, "not_found", "not found", "/v1/runs/0000000-unknown");
    await expectError({ method: "GET" }, 404, "not_found", "not found", "/v1/runs/has%20space");
  });
  it("renders each task's prompt for a sample row when validating", async () => {
    const body = valid();
    const step = (body.pipeline as { steps: Array<{ step: Record<string, unknown> }> }).steps[1]!.step;
    step.system_prompt = "You are terse.";
    const { status, body: result } = await harness.json<{ prompts: Record<string, { prompt?: string; error?: string }> }>(
      "/v1/pipelines/validate",
      postJson({ pipeline: body, sample_row: { instruction: "Name a prime number." } }),
    );
    expect(status).toBe(200);
    expect(result.prompts.text_generation?.prompt).toBe("[system]\nYou are terse.\n\n[user]\nName a prime number.");
    const { body: bad } = await harness.json<{ prompts: Record<string, { error?: string }> }>(
      "/v1/pipelines/validate",
      postJson({ pipeline: valid(), sample_row: { instruction: 42 } }),
    );
    expect(bad.prompts.text_generation?.error).toContain("instruction");
  });

  it("validates a pipeline without running it", async () => {
    const { status, body } = await harness.json<{ valid: boolean; stages: string[][] }>("/v1/pipelines/validate", postJson({ pipeline: valid() }));
    expect(status).toBe(200);
    expect(body).toMatchObject({ valid: true, stages: [["load_dataset", "text_generation"]] });
  });
});
