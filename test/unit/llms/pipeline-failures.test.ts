import { describe, expect, it } from "vitest";
import type { Row } from "../../../src/core/row.js";
import { runInProcess, type InProcessRunResult } from "../../../src/executor/in-process-executor.js";
import { MemoryRunCache } from "../../../src/executor/run-cache.js";
import type { LLM } from "../../../src/llms/llm.js";
import { InferenceEndpointsLLM } from "../../../src/llms/providers/inference-endpoints-llm.js";
import { OpenAILLM } from "../../../src/llms/providers/openai-llm.js";
import type { StructuredOutput } from "../../../src/llms/types.js";
import { Pipeline } from "../../../src/pipeline/pipeline.js";
import { LoadDataFromDicts } from "../../../src/steps/builtin/loaders/load-data-from-dicts.js";
import { TextGeneration } from "../../../src/tasks/text-generation/text-generation.js";
import { behaviours, type FakeBehaviour, type FakeRequest } from "../../support/fake-openai-server.js";
import { useFakeOpenAIServer } from "../../support/use-fake-openai-server.js";

/**
 * Whole pipelines (runInProcess, the engine and work runner the Workers runtime uses) whose task
 * calls the real `openai` and `@huggingface/inference` clients against a loopback server told to
 * misbehave for some rows. Every run must end with every row, in order, with null outputs only on
 * the rows whose calls failed for good, the error in their `distilabel_metadata`, and the failed
 * batches counted in the run state.
 */

const server = useFakeOpenAIServer({}, { resetAfterEach: true });

const STEP = "generate";
/** Six rows, two batches of three: rows 1 and 5 fail for good (one per batch), row 3 fails once. */
const INSTRUCTIONS = Array.from({ length: 6 }, (_, i) => `[row-${i}] In one sentence, what is ${i} + ${i}?`);
const PERSISTENT = /\[row-(1|5)\]/;
const TRANSIENT = "[row-3]";
const FAILED_ROWS = [1, 5];
const noStepRetry = { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 };
const fastBackoff = { initialDelayMs: 5, maxDelayMs: 20 };

interface Provider {
  label: string;
  make: (structuredOutput?: StructuredOutput) => LLM;
  secrets: () => Record<string, string>;
  /** The Authorization header the provider must send. */
  authorization: string;
}

const providers: Provider[] = [
  {
    label: "OpenAILLM (openai client, base_url)",
    make: (structuredOutput) => new OpenAILLM({ model: "fake-gpt", baseUrl: server.baseUrl, ...(structuredOutput ? { structuredOutput } : {}) }),
    secrets: () => ({ OPENAI_API_KEY: "sk-test-key" }),
    authorization: "Bearer sk-test-key",
  },
  {
    label: "InferenceEndpointsLLM (@huggingface/inference, base_url)",
    make: (structuredOutput) =>
      new InferenceEndpointsLLM({ baseUrl: server.url, modelDisplayName: "my-tgi", ...(structuredOutput ? { structuredOutput } : {}) }),
    secrets: () => ({ HF_TOKEN: "hf_test_token" }),
    authorization: "Bearer hf_test_token",
  },
  {
    label: "InferenceEndpointsLLM (@huggingface/inference, model_id through HF_ENDPOINT)",
    make: (structuredOutput) => new InferenceEndpointsLLM({ modelId: "meta-llama/Llama-3.1-8B-Instruct", ...(structuredOutput ? { structuredOutput } : {}) }),
    secrets: () => ({ HF_TOKEN: "hf_test_token", HF_ENDPOINT: server.url }),
    authorization: "Bearer hf_test_token",
  },
];

const personSchema = {
  type: "object",
  properties: { name: { type: "string" }, age: { type: "integer" } },
  required: ["name", "age"],
  additionalProperties: false,
};

/** Runs load -> TextGeneration(llm) over the six rows with short retry settings. */
async function runWith(
  provider: Provider,
  options: { structuredOutput?: StructuredOutput; timeout?: number; maxRetries?: number } = {},
): Promise<InProcessRunResult> {
  const llm = provider.make(options.structuredOutput);
  (llm as unknown as { retryTiming: typeof fastBackoff }).retryTiming = fastBackoff;
  const pipeline = new Pipeline({ name: "llm-failures", enableMetadata: true }).build(() => {
    const load = new LoadDataFromDicts({ name: "load", data: INSTRUCTIONS.map((instruction) => ({ instruction })), batchSize: 6 });
    load.connect(new TextGeneration({ name: STEP, llm, inputBatchSize: 3 }));
  });
  const secrets = provider.secrets();
  return runInProcess(pipeline, {
    useCache: false,
    cache: new MemoryRunCache(),
    retry: noStepRetry,
    parameters: { [STEP]: { llm: { max_retries: options.maxRetries ?? 1, timeout: options.timeout ?? 5 } } },
    services: { secret: (name) => secrets[name] },
  });
}

const metaOf = (row: Row | undefined): Record<string, unknown> => (row?.distilabel_metadata ?? {}) as Record<string, unknown>;
const rowsOf = (prompt: string | RegExp): FakeRequest[] =>
  server.generationRequests.filter((r) => (typeof prompt === "string" ? r.prompt.includes(prompt) : prompt.test(r.prompt)));

/**
 * All six rows in order; the failed ones null with `error_<step>` matching `error`, the others
 * with their reply, raw output and statistics; one counted error per batch with a failed row.
 */
function expectRowsAfterFailures(result: InProcessRunResult, options: { error: RegExp; reply: (instruction: string) => unknown; failed?: number[] }): Row[] {
  const failed = options.failed ?? FAILED_ROWS;
  expect(result.state.status).toBe("succeeded");
  const rows = result.distiset.rows("default");
  expect(rows.map((r) => r.instruction)).toEqual(INSTRUCTIONS);
  rows.forEach((row, i) => {
    const meta = metaOf(row);
    expect(meta[`raw_input_${STEP}`]).toEqual([{ role: "user", content: INSTRUCTIONS[i] }]);
    expect(typeof row.model_name).toBe("string");
    if (failed.includes(i)) {
      expect(row.generation, `row ${i}`).toBeNull();
      expect(meta[`error_${STEP}`], `row ${i}`).toMatch(options.error);
      expect(meta[`raw_output_${STEP}`]).toBeNull();
      // Parquet gives the metadata struct every key of the column: absent keys read back as null.
      expect(meta[`statistics_${STEP}`] ?? null).toBeNull();
    } else {
      expect(row.generation, `row ${i}`).toEqual(options.reply(INSTRUCTIONS[i] as string));
      expect(meta[`error_${STEP}`] ?? null).toBeNull();
      expect(meta[`raw_output_${STEP}`]).toBe(row.generation);
      expect(meta[`statistics_${STEP}`]).toEqual({ input_tokens: expect.any(Number), output_tokens: expect.any(Number) });
    }
  });
  const batchesWithFailures = new Set(failed.map((i) => Math.floor(i / 3))).size;
  expect(result.state.error_count).toBe(batchesWithFailures);
  expect(result.state.steps[STEP]?.errors).toBe(batchesWithFailures);
  expect(result.state.steps[STEP]?.rows_out).toBe(INSTRUCTIONS.length);
  expect(result.state.errors.map((e) => [e.step, e.code, e.message])).toEqual(
    [...new Set(failed.map((i) => Math.floor(i / 3)))].map(() => [STEP, "llm_failed", "1 row(s) got null generations after their calls failed"]),
  );
  return rows;
}

const echo = (instruction: string): string => `echo: ${instruction}`;
const persistently = (behaviour: FakeBehaviour): void => void server.scriptFor(PERSISTENT, [behaviour], { repeatLast: true });

describe.each(providers)("a pipeline calling $label", (provider) => {
  it("keeps every row when calls answer too slowly: timed-out rows are null, a slow-but-in-time row and a retried one succeed", async () => {
    persistently(behaviours.slow(2_000));
    server.scriptFor(TRANSIENT, [behaviours.slow(2_000), behaviours.reply()]);
    server.scriptFor("[row-2]", [behaviours.slow(150)]);
    const result = await runWith(provider, { timeout: 0.5 });
    expectRowsAfterFailures(result, { error: /failed after 2 attempts: timed out after 500 ms/, reply: echo });
    expect(rowsOf(PERSISTENT)).toHaveLength(4);
    expect(rowsOf(TRANSIENT)).toHaveLength(2);
    expect(server.generationRequests.every((r) => r.headers.authorization === provider.authorization)).toBe(true);
  });

  it("honours 429 + Retry-After, and a row rate-limited on every attempt is null with the 429 recorded", async () => {
    persistently(behaviours.rateLimited({ ms: 50 }));
    server.scriptFor(TRANSIENT, [behaviours.rateLimited(1), behaviours.reply()]);
    const result = await runWith(provider, { maxRetries: 2 });
    expectRowsAfterFailures(result, { error: /failed after 3 attempts \(HTTP 429\): .*Rate limit reached/, reply: echo });
    const [limited, retried] = rowsOf(TRANSIENT);
    expect([limited?.status, retried?.status]).toEqual([429, 200]);
    // Retry-After: 1 (seconds) is waited out before the retry.
    expect((retried?.startedAt ?? 0) - (limited?.endedAt ?? 0)).toBeGreaterThanOrEqual(950);
    const persistent = rowsOf(PERSISTENT);
    expect(persistent.map((r) => r.status)).toEqual([429, 429, 429, 429, 429, 429]);
  });

  it("retries a 503 and keeps rows whose calls get 500 on every attempt, null with the provider's message", async () => {
    persistently(behaviours.error(500, "CUDA out of memory"));
    server.scriptFor(TRANSIENT, [behaviours.serverError(503), behaviours.reply()]);
    const result = await runWith(provider, { maxRetries: 1 });
    expectRowsAfterFailures(result, { error: /failed after 2 attempts \(HTTP 500\): .*CUDA out of memory/, reply: echo });
    expect(rowsOf(TRANSIENT).map((r) => r.status)).toEqual([503, 200]);
    expect(rowsOf(PERSISTENT).map((r) => r.status)).toEqual([500, 500, 500, 500]);
  });

  it("keeps rows whose calls come back as malformed JSON, null with the parse error (not retried)", async () => {
    persistently(behaviours.malformed());
    const result = await runWith(provider, { maxRetries: 1 });
    expectRowsAfterFailures(result, { error: /request failed: malformed response \(invalid JSON\): .*is not valid JSON/, reply: echo });
    // A body that is not JSON is not a transient failure: one request per row, no retry.
    expect(rowsOf(PERSISTENT).map((r) => r.status)).toEqual([200, 200]);
  });

  it("keeps rows whose structured output does not match the schema, null with the validation error", async () => {
    persistently(behaviours.wrongSchema());
    const result = await runWith(provider, { structuredOutput: { format: "json", schema: personSchema } });
    const rows = expectRowsAfterFailures(result, { error: /reply does not match the JSON schema/, reply: () => '{"name":"sample","age":1}' });
    expect(rows.filter((r) => r.generation !== null).map((r) => JSON.parse(String(r.generation)) as unknown)).toEqual(
      Array.from({ length: 4 }, () => ({ name: "sample", age: 1 })),
    );
    const asked = server.generationRequests[0]?.body as { response_format?: { type?: string; json_schema?: { schema?: unknown } } };
    expect(asked.response_format).toMatchObject({ type: "json_schema", json_schema: { schema: personSchema } });
  });
});

describe("several generations per row", () => {
  it("nulls only the generation whose fan-out request failed, and counts the row's error", async () => {
    server.scriptFor("[row-1]", [behaviours.error(400, "prompt too long for this replica")]);
    const llm = new InferenceEndpointsLLM({ baseUrl: server.url, modelDisplayName: "my-tgi" });
    const pipeline = new Pipeline({ name: "llm-failures-grouped", enableMetadata: true }).build(() => {
      const load = new LoadDataFromDicts({ name: "load", data: INSTRUCTIONS.map((instruction) => ({ instruction })), batchSize: 6 });
      load.connect(new TextGeneration({ name: STEP, llm, inputBatchSize: 3, numGenerations: 2, groupGenerations: true }));
    });
    const result = await runInProcess(pipeline, { useCache: false, cache: new MemoryRunCache(), retry: noStepRetry, services: { secret: () => undefined } });
    expect(result.state.status).toBe("succeeded");
    const rows = result.distiset.rows("default");
    expect(rows.map((r) => r.instruction)).toEqual(INSTRUCTIONS);
    // @huggingface/inference has no `n`: two requests per row, each its own generation.
    expect(server.generationRequests).toHaveLength(12);
    expect(rows.map((r) => r.generation)).toEqual(
      INSTRUCTIONS.map((instruction, i) => (i === 1 ? [echo(instruction), null] : [echo(instruction), echo(instruction)])),
    );
    const grouped = rows[1]?.distilabel_metadata as Array<Record<string, unknown>>;
    expect(grouped.map((meta) => meta[`raw_output_${STEP}`])).toEqual([echo(INSTRUCTIONS[1] as string), null]);
    expect(grouped[0]?.[`error_${STEP}`] ?? null).toBeNull();
    expect(grouped[1]?.[`error_${STEP}`]).toMatch(/request failed \(HTTP 400\): .*prompt too long for this replica/);
    expect(result.state.error_count).toBe(1);
    expect(result.state.errors).toEqual([
      expect.objectContaining({ step: STEP, seq_no: 0, code: "llm_failed", message: "1 row(s) got null generations after their calls failed" }),
    ]);
  });
});

describe("one batch hit by every kind of failure at once", () => {
  it("ends with all rows, each failed row null with its own error", async () => {
    const provider = providers[0] as Provider;
    server.scriptFor("[row-0]", [behaviours.slow(2_000)], { repeatLast: true });
    server.scriptFor("[row-1]", [behaviours.rateLimited({ ms: 20 })], { repeatLast: true });
    server.scriptFor("[row-2]", [behaviours.serverError(502)], { repeatLast: true });
    server.scriptFor("[row-3]", [behaviours.malformed()], { repeatLast: true });
    server.scriptFor("[row-4]", [behaviours.wrongSchema()], { repeatLast: true });
    server.scriptFor("[row-5]", [behaviours.drop()], { repeatLast: true });
    const result = await runWith(provider, { structuredOutput: { format: "json", schema: personSchema }, timeout: 0.5, maxRetries: 1 });
    expect(result.state.status).toBe("succeeded");
    const rows = result.distiset.rows("default");
    expect(rows.map((r) => [r.instruction, r.generation])).toEqual(INSTRUCTIONS.map((instruction) => [instruction, null]));
    expect(rows.map((r) => metaOf(r)[`error_${STEP}`])).toEqual([
      expect.stringMatching(/timed out after 500 ms/),
      expect.stringMatching(/HTTP 429/),
      expect.stringMatching(/HTTP 502/),
      expect.stringMatching(/malformed response \(invalid JSON\)/),
      expect.stringMatching(/reply does not match the JSON schema/),
      expect.stringMatching(/failed after 2 attempts: network error/),
    ]);
    // Timeouts, 429s, 5xx and dropped connections were retried; malformed and off-schema replies were not.
    const attempts = [0, 1, 2, 3, 4, 5].map((i) => rowsOf(`[row-${i}]`).length);
    expect(attempts).toEqual([2, 2, 2, 1, 1, 2]);
    expect(result.state.error_count).toBe(2);
    expect(result.state.errors.map((e) => e.message)).toEqual([
      "3 row(s) got null generations after their calls failed",
      "3 row(s) got null generations after their calls failed",
    ]);
  });
});
