import { describe, expect, it } from "vitest";
import type { Row } from "../../../src/core/row.js";
import { runInProcess } from "../../../src/executor/in-process-executor.js";
import { MemoryRunCache } from "../../../src/executor/run-cache.js";
import { batchJsonl, batchOutcome, parseBatchResults } from "../../../src/llms/offline-batch/batch-jsonl.js";
import { OfflineBatchPendingError } from "../../../src/llms/offline-batch/offline-batch-job.js";
import { openaiBatchOutputs } from "../../../src/llms/offline-batch/openai-batch-results.js";
import { DEFAULT_PRICES, priceOf } from "../../../src/llms/pricing/price-table.js";
import { OpenAILLM } from "../../../src/llms/providers/openai-llm.js";
import { MixtureOfAgentsLLM } from "../../../src/llms/providers/mixture-of-agents-llm.js";
import { EvolInstructGenerator } from "../../../src/tasks/evol/evol-instruct-generator.js";
import { UsageRecorder } from "../../../src/llms/usage/usage.js";
import { Pipeline } from "../../../src/pipeline/pipeline.js";
import { getJson, MemoryBlobStore } from "../../../src/runtime/blob-store.js";
import { runKeys } from "../../../src/runtime/run-keys.js";
import { LoadDataFromDicts } from "../../../src/steps/builtin/loaders/load-data-from-dicts.js";
import { TextGeneration } from "../../../src/tasks/text-generation/text-generation.js";
import { behaviours } from "../../support/fake-openai-server.js";
import { useFakeOpenAIServer } from "../../support/use-fake-openai-server.js";
import { FAST_RETRIES, llmContext } from "./support/llm-context.js";

const server = useFakeOpenAIServer({}, { resetAfterEach: true });

const chat = (text: string) => [{ role: "user" as const, content: text }];
const completion = (text: string, usage = { prompt_tokens: 3, completion_tokens: 2 }) => ({
  choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
  usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
});

describe("batch JSONL", () => {
  it("writes one request per line, in order", () => {
    const text = batchJsonl([
      { custom_id: "0", method: "POST", url: "/v1/chat/completions", body: { model: "m", messages: chat("a") } },
      { custom_id: "1", method: "POST", url: "/v1/chat/completions", body: { model: "m", messages: chat("b") } },
    ]);
    const lines = text
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as { custom_id: string; body: { messages: unknown } });
    expect(lines.map((l) => l.custom_id)).toEqual(["0", "1"]);
    expect(lines[1]?.body.messages).toEqual(chat("b"));
    expect(text.endsWith("\n")).toBe(true);
  });

  it("maps output and error lines back by custom_id, whatever their order, and names why a request has no result", () => {
    const output = [
      JSON.stringify({ custom_id: "2", response: { status_code: 200, body: completion("two") }, error: null }),
      "not json",
      JSON.stringify({ custom_id: "0", response: { status_code: 200, body: completion("zero") }, error: null }),
    ].join("\n");
    const errors = [
      JSON.stringify({ custom_id: "1", response: { status_code: 400, body: { error: { message: "bad request line" } } }, error: null }),
      JSON.stringify({
        custom_id: "3",
        response: null,
        error: { code: "batch_expired", message: "This request could not be executed before the completion window expired." },
      }),
    ].join("\n");
    const results = parseBatchResults(output, errors);
    expect(batchOutcome(results, "0", "missing")).toEqual({ body: completion("zero") });
    expect(batchOutcome(results, "1", "missing")).toEqual({ error: "HTTP 400: bad request line" });
    expect(batchOutcome(results, "3", "missing")).toEqual({ error: "batch_expired: This request could not be executed before the completion window expired." });
    expect(batchOutcome(results, "4", "no line for it")).toEqual({ error: "no line for it" });

    const outputs = openaiBatchOutputs(["0", "1", "2", "3", "4"], results, {
      numGenerations: 1,
      structured: [],
      wantLogprobs: false,
      missing: "no line for it",
    });
    expect(outputs.map((o) => o.generations[0])).toEqual(["zero", null, "two", null, null]);
    expect(outputs.map((o) => o.error)).toEqual([
      undefined,
      "HTTP 400: bad request line",
      undefined,
      expect.stringContaining("batch_expired"),
      "no line for it",
    ]);
    expect(outputs[0]?.statistics).toEqual({ input_tokens: [3], output_tokens: [2] });
  });

  it("imputes a reply that does not parse as a chat completion", () => {
    const results = parseBatchResults(JSON.stringify({ custom_id: "0", response: { status_code: 200, body: { nothing: true } } }));
    const [output] = openaiBatchOutputs(["0"], results, { numGenerations: 2, structured: [], wantLogprobs: false, missing: "x" });
    expect(output?.generations).toEqual([null, null]);
    expect(output?.error).toMatch(/malformed response/);
  });
});

describe("where offline batch generation is refused", () => {
  it("refuses it in a generator task (at load, before the run) and inside a mixture of agents", async () => {
    const llm = () => new OpenAILLM({ model: "gpt-4o-mini", baseUrl: server.baseUrl, useOfflineBatchGeneration: true });
    const generator = new EvolInstructGenerator({ name: "evol", llm: llm(), numInstructions: 2 });
    await expect(generator.load(llmContext())).rejects.toThrow("offline batch generation works in tasks that process rows");
    expect(() => new MixtureOfAgentsLLM({ aggregatorLlm: llm(), proposersLlms: [new OpenAILLM({ model: "gpt-4o-mini", baseUrl: server.baseUrl })] })).toThrow(
      "its LLMs answer online only; remove use_offline_batch_generation",
    );
  });
});

describe("batch prices", () => {
  it("prices batch usage at half the list price unless the table has a batch price of its own", () => {
    expect(priceOf(DEFAULT_PRICES, "OpenAILLM/batch", "gpt-4o-mini")).toEqual({ input: 0.075, output: 0.3 });
    expect(priceOf({ ...DEFAULT_PRICES, "OpenAILLM/batch": { "gpt-4o-mini": { input: 0.1, output: 0.2 } } }, "OpenAILLM/batch", "gpt-4o-mini")).toEqual({
      input: 0.1,
      output: 0.2,
    });
    expect(priceOf(DEFAULT_PRICES, "OpenAILLM/batch", "unknown-model")).toBeUndefined();
  });
});

describe("OpenAILLM through the Batch API stand-in", () => {
  function batchLLM(): OpenAILLM {
    const llm = new OpenAILLM({ model: "gpt-4o-mini", baseUrl: server.baseUrl, useOfflineBatchGeneration: true, generationKwargs: { temperature: 0.2 } });
    llm.retryTiming = FAST_RETRIES;
    return llm;
  }

  it("submits one job per batch, reports it pending until it completes, then maps results back in order with the failed line imputed", async () => {
    server.scriptFor("bad", [behaviours.error(400, "this line is invalid")], { repeatLast: true });
    server.scriptFor("first", [{ kind: "reply", usage: { prompt_tokens: 7, completion_tokens: 4 } }], { repeatLast: true });
    const llm = batchLLM();
    const usage = new UsageRecorder();
    const context = { ...llmContext({ services: { blobs: new MemoryBlobStore() } }), runId: "r1", stepName: "gen", seqNo: 4, usage };
    const inputs = [chat("first prompt"), chat("bad prompt"), chat("third prompt")];

    const pending = await llm.generate(inputs, { numGenerations: 1, context }).catch((e: unknown) => e);
    expect(pending).toBeInstanceOf(OfflineBatchPendingError);
    const job = (pending as OfflineBatchPendingError).job;
    expect(job).toMatchObject({ provider: "OpenAILLM", status: "validating", counts: { total: 3 } });

    const uploads = server.requests.filter((r) => r.path === "/v1/files" && r.method === "POST");
    expect(uploads).toHaveLength(1);
    const [input] = [...server.batchApi.files.values()];
    const lines = input?.content
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as { custom_id: string; url: string; body: Record<string, unknown> });
    expect(lines?.map((l) => [l.custom_id, l.url])).toEqual([
      ["0", "/v1/chat/completions"],
      ["1", "/v1/chat/completions"],
      ["2", "/v1/chat/completions"],
    ]);
    expect(lines?.[0]?.body).toMatchObject({ model: "gpt-4o-mini", temperature: 0.2, messages: chat("first prompt") });
    expect(lines?.[0]?.body).not.toHaveProperty("stream");
    expect([...server.batchApi.batches.values()][0]).toMatchObject({
      endpoint: "/v1/chat/completions",
      metadata: { distilflare_run_id: "r1", distilflare_step: "gen", distilflare_seq_no: "4" },
    });

    let outputs: Awaited<ReturnType<OpenAILLM["generate"]>> | undefined;
    const statuses: string[] = [];
    for (let poll = 0; poll < 10 && !outputs; poll++) {
      try {
        outputs = await llm.generate(inputs, { numGenerations: 1, context });
      } catch (error) {
        expect(error).toBeInstanceOf(OfflineBatchPendingError);
        statuses.push((error as OfflineBatchPendingError).job.status);
      }
    }
    expect(statuses).toEqual(["in_progress", "finalizing"]);
    expect(outputs?.map((o) => o.generations[0])).toEqual(["echo: first prompt", null, "echo: third prompt"]);
    expect(outputs?.[1]?.error).toBe("HTTP 400: this line is invalid");
    // One job: polls and the final read never submitted again.
    expect(server.batchApi.batches.size).toBe(1);
    expect(server.generationRequests).toHaveLength(0);
    const recorded = usage.snapshot()?.["OpenAILLM/batch:gpt-4o-mini"];
    expect(recorded).toMatchObject({ requests: 3, input_tokens: 7 + 2, output_tokens: 4 + 3 });
  });
});

describe("a whole run with offline batch generation (in-process)", () => {
  it("waits for the job, polling every offline_batch_generation_block_until_done seconds, and keeps every row in order", async () => {
    server.scriptFor("row-2", [behaviours.error(400, "rejected by the batch")], { repeatLast: true });
    await server.batchApi.configure({ polls_to_complete: 2 });
    const data = Array.from({ length: 5 }, (_, i) => ({ instruction: `row-${i}` }));
    const pipeline = new Pipeline({ name: "offline-batch" }).build(() => {
      new LoadDataFromDicts({ name: "load", data, batchSize: 5 }).connect(
        new TextGeneration({
          name: "gen",
          inputBatchSize: 3,
          llm: new OpenAILLM({ model: "gpt-4o-mini", baseUrl: server.baseUrl, useOfflineBatchGeneration: true, offlineBatchGenerationBlockUntilDone: 1 }),
        }),
      );
    });
    const result = await runInProcess(pipeline, { useCache: false, cache: new MemoryRunCache(), acceptFailedRows: true, partial: true });
    expect(result.state.status).toBe("succeeded");
    const rows = result.distiset.rows("default") as Row[];
    expect(rows.map((r) => r.instruction)).toEqual(data.map((d) => d.instruction));
    expect(rows.map((r) => r.generation)).toEqual(["echo: row-0", "echo: row-1", null, "echo: row-3", "echo: row-4"]);
    // The Distiset drops distilabel_metadata (no enable_metadata); the step's stored batch keeps the error.
    const stored = (await getJson<{ rows: Row[] }>(result.store, runKeys.batch(result.runId, "gen", 0)))?.rows ?? [];
    expect((stored[2]?.distilabel_metadata as Record<string, unknown> | undefined)?.error_gen).toBe("HTTP 400: rejected by the batch");
    expect(result.state.steps.gen?.failed_rows).toBe(1);
    // Two step batches (3 + 2 rows): two jobs.
    expect(server.batchApi.batches.size).toBe(2);
  });
});
