import { describe, expect, it } from "vitest";
import { OfflineBatchPendingError } from "../../../src/llms/offline-batch/offline-batch-job.js";
import { WorkersAILLM } from "../../../src/llms/providers/workers-ai-llm.js";
import { UsageRecorder } from "../../../src/llms/usage/usage.js";
import { MemoryBlobStore } from "../../../src/runtime/blob-store.js";
import { FakeAiBinding, type AiCall } from "./support/fake-ai-binding.js";
import { FAST_RETRIES, llmContext } from "./support/llm-context.js";

const chat = (text: string) => [{ role: "user" as const, content: text }];

/**
 * A stand-in for Workers AI's asynchronous batches: `queueRequest: true` queues the requests and
 * answers a request id; polls with it answer `queued`, `running`, then every response (in reverse
 * order, identified by `id` and `external_reference`), a request containing "bad" failing.
 */
function batchBinding(): FakeAiBinding & { queued: Array<Record<string, unknown>> } {
  const queued: Array<Record<string, unknown>> = [];
  let polls = 0;
  const ai = new FakeAiBinding((call: AiCall) => {
    if (call.options?.queueRequest === true) {
      queued.push(...(call.inputs.requests as Array<Record<string, unknown>>));
      return { status: "queued", model: call.model, request_id: "req-123" };
    }
    expect(call.inputs).toEqual({ request_id: "req-123" });
    polls++;
    if (polls === 1) return { status: "queued" };
    if (polls === 2) return { status: "running" };
    const responses = queued.map((request, id) => {
      const text = ((request.messages as Array<{ content: string }>)[0]?.content ?? "") as string;
      return text.includes("bad")
        ? { id, external_reference: request.external_reference, success: false, error: "model refused the request" }
        : {
            id,
            external_reference: request.external_reference,
            success: true,
            result: { response: `answer to ${text}`, usage: { prompt_tokens: 5, completion_tokens: 3 } },
          };
    });
    return { responses: responses.reverse(), usage: { prompt_tokens: 10, completion_tokens: 6, total_tokens: 16 } };
  });
  return Object.assign(ai, { queued });
}

describe("WorkersAILLM offline batch generation (queueRequest)", () => {
  it("queues one batch for the step batch, polls it with its request id, and maps the responses back in order", async () => {
    const ai = batchBinding();
    const llm = new WorkersAILLM({
      model: "@cf/meta/llama-3.3-70b-instruct-fp8-fast",
      useOfflineBatchGeneration: true,
      generationKwargs: { max_new_tokens: 32 },
    });
    llm.retryTiming = FAST_RETRIES;
    const usage = new UsageRecorder();
    const context = {
      ...llmContext({ services: { binding: (name) => (name === "AI" ? ai : undefined), blobs: new MemoryBlobStore() } }),
      runId: "r1",
      stepName: "gen",
      seqNo: 0,
      usage,
    };
    const inputs = [chat("first"), chat("bad one"), chat("third")];
    const statuses: string[] = [];
    let outputs: Awaited<ReturnType<WorkersAILLM["generate"]>> | undefined;
    for (let call = 0; call < 6 && !outputs; call++) {
      try {
        outputs = await llm.generate(inputs, { numGenerations: 1, context });
      } catch (error) {
        expect(error).toBeInstanceOf(OfflineBatchPendingError);
        const job = (error as OfflineBatchPendingError).job;
        expect(job).toMatchObject({ provider: "WorkersAILLM", job_id: "req-123", counts: { total: 3 } });
        statuses.push(job.status);
      }
    }
    // Submitted once (queued), then polled: queued, running, done.
    expect(statuses).toEqual(["queued", "queued", "running"]);
    expect(ai.calls.filter((c) => c.options?.queueRequest === true)).toHaveLength(1);
    expect(ai.queued[0]).toEqual({ messages: chat("first"), max_tokens: 32, external_reference: "0:0" });
    expect(outputs?.map((o) => o.generations[0])).toEqual(["answer to first", null, "answer to third"]);
    expect(outputs?.[1]?.error).toBe("Workers AI batch request failed: model refused the request");
    expect(outputs?.[0]?.statistics).toEqual({ input_tokens: [5], output_tokens: [3] });
    expect(usage.snapshot()?.["WorkersAILLM/batch:@cf/meta/llama-3.3-70b-instruct-fp8-fast"]).toMatchObject({
      requests: 3,
      input_tokens: 10,
      output_tokens: 6,
    });
  });
});
