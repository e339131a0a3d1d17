import { describe, expect, it } from "vitest";
import { DistilflareError } from "../../../src/errors.js";
import { backoffDelayMs, DEFAULT_RETRY_TIMING } from "../../../src/llms/reliability/backoff.js";
import { classifyError } from "../../../src/llms/reliability/classify-error.js";
import { ProviderHttpError } from "../../../src/llms/reliability/provider-http-error.js";
import { reliableCall } from "../../../src/llms/reliability/reliable-call.js";
import { parseRetryAfterMs } from "../../../src/llms/reliability/retry-after.js";
import { Semaphore, type RateLimiterClient } from "../../../src/steps/step-context.js";
import { FAST_RETRIES, llmContext } from "./support/llm-context.js";

function httpError(status: number, headers: Record<string, string> = {}, message = `HTTP ${status}`): ProviderHttpError {
  return new ProviderHttpError({ status, headers: new Headers(headers), message });
}

describe("Retry-After parsing", () => {
  it("reads seconds, HTTP dates and retry-after-ms (which wins)", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfterMs(new Headers({ "retry-after": "3" }), now)).toBe(3_000);
    expect(parseRetryAfterMs(new Headers({ "retry-after": "0.5" }), now)).toBe(500);
    expect(parseRetryAfterMs(new Headers({ "retry-after": "Thu, 01 Jan 2026 00:00:10 GMT" }), now)).toBe(10_000);
    expect(parseRetryAfterMs(new Headers({ "retry-after": "Wed, 31 Dec 2025 23:00:00 GMT" }), now)).toBe(0);
    expect(parseRetryAfterMs(new Headers({ "retry-after": "7", "retry-after-ms": "120" }), now)).toBe(120);
    expect(parseRetryAfterMs({ "Retry-After": "2" }, now)).toBe(2_000);
    expect(parseRetryAfterMs(new Headers({ "retry-after": "soon" }), now)).toBeUndefined();
    expect(parseRetryAfterMs(undefined, now)).toBeUndefined();
  });
});

describe("backoff", () => {
  it("draws full jitter under a doubling cap", () => {
    expect([0, 1, 2, 3, 4, 5].map((attempt) => backoffDelayMs(attempt, DEFAULT_RETRY_TIMING, () => 0.999999))).toEqual([499, 999, 1999, 3999, 7999, 7999]);
    expect(backoffDelayMs(3, DEFAULT_RETRY_TIMING, () => 0)).toBe(0);
  });
});

describe("error classification", () => {
  const base = { timedOut: false, timeoutMs: 1000, cancelled: false, lastResponse: undefined };

  it("retries 429, 5xx, 408 and 409; fails other 4xx at once", () => {
    const retryable = [429, 500, 502, 503, 529, 408, 409].map((status) => classifyError({ ...base, error: httpError(status) }).retryable);
    const final = [400, 401, 403, 404, 422].map((status) => classifyError({ ...base, error: httpError(status) }).retryable);
    expect(retryable.every(Boolean)).toBe(true);
    expect(final.some(Boolean)).toBe(false);
  });

  it("finds the status on SDK errors and the headers on the last response when the error drops them", () => {
    const hfLike = Object.assign(new Error("Failed to perform inference: busy"), { httpResponse: { status: 429 } });
    const failure = classifyError({ ...base, error: hfLike, lastResponse: { status: 429, headers: new Headers({ "retry-after": "4" }) }, now: 0 });
    expect(failure).toMatchObject({ retryable: true, status: 429, retryAfterMs: 4_000, message: "Failed to perform inference: busy" });
  });

  it("treats network failures and Workers AI capacity errors as transient", () => {
    const network = new TypeError("fetch failed", { cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" }) });
    expect(classifyError({ ...base, error: network })).toMatchObject({
      retryable: true,
      message: "network error: fetch failed (connect ECONNREFUSED 127.0.0.1:9)",
    });
    expect(classifyError({ ...base, error: new Error("3040: Capacity temporarily exceeded, please try again.") }).retryable).toBe(true);
    expect(classifyError({ ...base, error: new Error("JSON Mode couldn't be met") }).retryable).toBe(false);
    expect(classifyError({ ...base, error: new SyntaxError("Unexpected token") })).toMatchObject({
      retryable: false,
      message: "malformed response (invalid JSON): Unexpected token",
    });
  });
});

describe("reliableCall", () => {
  it("retries until success, releasing the connection slot while it backs off", async () => {
    const slots = new Semaphore(1);
    const context = llmContext({ services: { connectionSlots: slots } });
    const attempts: number[] = [];
    let otherRanDuringBackoff = false;
    const result = await reliableCall(
      { context, label: "Test", maxRetries: 3, timeoutMs: 1_000, timing: { initialDelayMs: 40, maxDelayMs: 40 }, random: () => 1 },
      async (attempt) => {
        attempts.push(attempt.number);
        if (attempt.number === 0) {
          // While this call sleeps before its retry, another call can take the only slot.
          setTimeout(() => void slots.run(async () => (otherRanDuringBackoff = true)), 5);
          throw httpError(503);
        }
        return "done";
      },
    );
    expect(result).toBe("done");
    expect(attempts).toEqual([0, 1]);
    expect(otherRanDuringBackoff).toBe(true);
  });

  it("fails a non-retryable error after one attempt with the provider's message", async () => {
    let calls = 0;
    const promise = reliableCall({ context: llmContext(), label: "OpenAILLM (m)", maxRetries: 5, timeoutMs: 1_000 }, async () => {
      calls++;
      throw httpError(401, {}, "HTTP 401: Incorrect API key provided");
    });
    await expect(promise).rejects.toThrow("OpenAILLM (m) request failed (HTTP 401): HTTP 401: Incorrect API key provided");
    expect(calls).toBe(1);
  });

  it("gives up after max_retries with a rate_limited error for a last 429", async () => {
    const error = await reliableCall({ context: llmContext(), label: "L", maxRetries: 2, timeoutMs: 1_000, timing: FAST_RETRIES }, async () => {
      throw httpError(429);
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DistilflareError);
    expect((error as DistilflareError).code).toBe("rate_limited");
    expect((error as DistilflareError).message).toBe("L failed after 3 attempts (HTTP 429): HTTP 429");
    expect((error as DistilflareError).details).toEqual({ status: 429, attempts: 3, retryable: true });
  });

  it("times out a call that ignores its abort signal", async () => {
    const started = Date.now();
    const promise = reliableCall({ context: llmContext(), label: "L", maxRetries: 0, timeoutMs: 50 }, () => new Promise<string>(() => undefined));
    await expect(promise).rejects.toThrow("L failed after 1 attempt: timed out after 50 ms");
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("stops at once when the run is cancelled, without retrying", async () => {
    const controller = new AbortController();
    let calls = 0;
    const promise = reliableCall(
      { context: llmContext({ signal: controller.signal }), label: "L", maxRetries: 5, timeoutMs: 5_000, timing: FAST_RETRIES },
      (attempt) => {
        calls++;
        return new Promise<string>((_, reject) => attempt.signal.addEventListener("abort", () => reject(attempt.signal.reason)));
      },
    );
    setTimeout(() => controller.abort(new Error("run stopped")), 20);
    await expect(promise).rejects.toThrow("L was cancelled: run stopped");
    expect(calls).toBe(1);
  });

  it("takes a lease per attempt and reports each outcome to the rate limiter", async () => {
    const events: string[] = [];
    const limiter: RateLimiterClient = {
      acquire: async (key, request) => {
        events.push(`acquire ${key} ${request.tokens} ${JSON.stringify(request.limits)}`);
        return { release: async (outcome) => void events.push(`release ${JSON.stringify(outcome)}`) };
      },
    };
    const context = llmContext({ services: { rateLimiter: limiter } });
    let calls = 0;
    const value = await reliableCall(
      {
        context,
        label: "L",
        maxRetries: 2,
        timeoutMs: 1_000,
        timing: FAST_RETRIES,
        rateLimit: { key: "OpenAILLM|api|m", limits: { requestsPerMinute: 60 }, tokens: 42 },
        tokensUsed: (result: { used: number }) => result.used,
      },
      async () => {
        if (calls++ === 0) throw httpError(429, { "retry-after-ms": "10" });
        return { used: 17 };
      },
    );
    expect(value).toEqual({ used: 17 });
    expect(events).toEqual([
      'acquire OpenAILLM|api|m 42 {"requestsPerMinute":60}',
      'release {"ok":false,"rateLimited":true,"retryAfterMs":10}',
      'acquire OpenAILLM|api|m 42 {"requestsPerMinute":60}',
      'release {"ok":true,"tokens":17}',
    ]);
  });

  it("calls without a lease when the rate limiter is unreachable", async () => {
    const context = llmContext({ services: { rateLimiter: { acquire: async () => Promise.reject(new Error("limiter down")) } } });
    const value = await reliableCall(
      { context, label: "L", maxRetries: 0, timeoutMs: 1_000, rateLimit: { key: "k", limits: {}, tokens: 1 } },
      async () => "ok",
    );
    expect(value).toBe("ok");
    expect(context.logger.lines.some((line) => line.includes("rate limiter unavailable (limiter down); calling without a lease"))).toBe(true);
  });
});
