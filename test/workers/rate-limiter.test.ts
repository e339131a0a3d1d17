import { env } from "cloudflare:workers";
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { DistilflareError } from "../../src/errors.js";
import { OpenAILLM } from "../../src/llms/providers/openai-llm.js";
import { DurableObjectRateLimiterClient, type RateLimiterStub } from "../../src/llms/rate-limit/durable-object-client.js";
import { RATE_LIMIT_TUNING } from "../../src/llms/rate-limit/rate-limit-algorithm.js";
import type { AcquireDecision, RateLimiterState, RpcResult } from "../../src/llms/rate-limit/rate-limit-state.js";
import { BufferLogger, defaultServices, type StepContext } from "../../src/steps/step-context.js";

/**
 * The `LlmRateLimiter` Durable Object in workerd, through the `RATE_LIMITER` binding. Grants are
 * reservations (a lease plus the time to wait before using it), so a whole minute of grants is
 * checked from the leases' start times without sleeping for a minute.
 */

type LimiterStub = RateLimiterStub & { snapshot(): Promise<RpcResult<RateLimiterState>> };

let keys = 0;
/** A fresh limiter object per test: one Durable Object per key. */
function freshKey(label: string): string {
  return `OpenAILLM|test.invalid|${label}-${++keys}-${crypto.randomUUID()}`;
}

function limiter(key: string): LimiterStub {
  return env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(key)) as unknown as LimiterStub;
}

async function snapshot(key: string): Promise<RateLimiterState> {
  const result = await limiter(key).snapshot();
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

function decided(result: RpcResult<AcquireDecision>): AcquireDecision {
  if (!result.ok) throw new Error(`acquire failed: ${result.error.message}`);
  return result.value;
}

/** The most start times that fall in any half-open window of `windowMs`. */
function maxInWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while ((sorted[last] as number) - (sorted[first] as number) >= windowMs) first++;
    best = Math.max(best, last - first + 1);
  }
  return best;
}

/** The documented burst: each bucket holds `burstMs` of its rate (at least one request). */
const burstOf = (requestsPerMinute: number): number => Math.max(1, (requestsPerMinute * RATE_LIMIT_TUNING.burstMs) / 60_000);

/** The leases' start times, ordered by lease id (the order they were granted in). */
function startTimes(state: RateLimiterState): number[] {
  return Object.entries(state.leases)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([, lease]) => lease.startsAt);
}

const gaps = (times: number[]): number[] => times.slice(1).map((t, i) => t - (times[i] as number));

describe("LlmRateLimiter under many concurrent callers", () => {
  it("never grants more than requests_per_minute plus the burst in any minute window", async () => {
    const key = freshKey("rpm");
    const limits = { requestsPerMinute: 60 };
    const burst = burstOf(60);
    const starts: number[] = [];

    // 50 callers, each acquiring and releasing four times, all at once.
    const caller = async (): Promise<{ granted: number; refused: AcquireDecision[] }> => {
      let granted = 0;
      const refused: AcquireDecision[] = [];
      for (let round = 0; round < 4; round++) {
        const decision = decided(await limiter(key).acquire({ tokens: 50, limits }));
        if (decision.leaseId === null) {
          refused.push(decision);
          continue;
        }
        granted++;
        const lease = (await snapshot(key)).leases[decision.leaseId];
        expect(lease, `lease ${decision.leaseId}`).toBeDefined();
        starts.push(lease?.startsAt ?? Number.NaN);
        const released = await limiter(key).release({ leaseId: decision.leaseId, outcome: { ok: true, tokens: 40 } });
        expect(released).toEqual({ ok: true, value: { released: true } });
      }
      return { granted, refused };
    };
    const results = await Promise.all(Array.from({ length: 50 }, caller));

    const granted = results.reduce((sum, r) => sum + r.granted, 0);
    expect(starts).toHaveLength(granted);
    // The reservations reach one minute ahead: the burst now, then one a second.
    expect(granted).toBeGreaterThanOrEqual(60 + burst);
    expect(granted).toBeLessThan(200);
    expect(maxInWindow(starts, 60_000)).toBeLessThanOrEqual(60 + burst);
    // The same bound at every scale: at most rate * window + burst.
    for (const windowMs of [1_000, 5_000, 10_000, 30_000]) {
      expect(maxInWindow(starts, windowMs), `${windowMs} ms window`).toBeLessThanOrEqual(Math.floor((60 * windowMs) / 60_000 + burst));
    }
    // Callers beyond the minute were told to come back, never granted a far-off slot.
    const refusals = results.flatMap((r) => r.refused);
    expect(refusals.length).toBe(200 - granted);
    expect(refusals.every((d) => d.waitMs >= RATE_LIMIT_TUNING.pollMs)).toBe(true);
    const state = await snapshot(key);
    expect(state).toMatchObject({ granted, rateLimited: 0, allowance: 1, leases: {} });
  });

  it("caps the calls in flight with max_in_flight until leases are released", async () => {
    const key = freshKey("inflight");
    const limits = { maxInFlight: 3 };
    const first = await Promise.all(Array.from({ length: 10 }, () => limiter(key).acquire({ tokens: 0, limits })));
    const leases = first.map(decided).filter((d) => d.leaseId !== null);
    expect(leases).toHaveLength(3);
    expect(
      first
        .map(decided)
        .filter((d) => d.leaseId === null)
        .every((d) => d.waitMs > 0),
    ).toBe(true);
    await limiter(key).release({ leaseId: leases[0]?.leaseId as string, outcome: { ok: true } });
    expect(decided(await limiter(key).acquire({ tokens: 0, limits })).leaseId).not.toBeNull();
    expect(decided(await limiter(key).acquire({ tokens: 0, limits })).leaseId).toBeNull();
  });
});

describe("LlmRateLimiter adapting to 429s (AIMD)", () => {
  it("cuts the allowance once for a burst of 429s, waits out Retry-After, and grows back after successes", async () => {
    const key = freshKey("aimd");
    const limits = { requestsPerMinute: 600 };
    const stub = limiter(key);
    const acquire = async (): Promise<string> => {
      const decision = decided(await stub.acquire({ tokens: 0, limits }));
      expect(decision.leaseId).not.toBeNull();
      return decision.leaseId as string;
    };
    const ok = (leaseId: string) => stub.release({ leaseId, outcome: { ok: true } });
    const sequential = async (n: number): Promise<string[]> => {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) ids.push(await acquire());
      return ids;
    };

    // Spend the burst (and what refilled meanwhile) until grants must wait, then measure their
    // spacing at the full rate: 600/min is one per 100 ms.
    const burst = await Promise.all(Array.from({ length: burstOf(600) }, acquire));
    await Promise.all(burst.map(ok));
    for (let waited = false; !waited; ) {
      const decision = decided(await stub.acquire({ tokens: 0, limits }));
      waited = decision.waitMs > 0;
      await ok(decision.leaseId as string);
    }
    const before = await sequential(4);
    const spacingBefore = gaps(startTimes(await snapshot(key)));
    await Promise.all(before.map(ok));
    spacingBefore.forEach((gap) => expect(gap).toBeCloseTo(100, 6));

    // A burst of six 429s from calls in flight together, with Retry-After 3 s.
    const limited = await Promise.all(Array.from({ length: 6 }, acquire));
    const at = Date.now();
    await Promise.all(limited.map((leaseId) => stub.release({ leaseId, outcome: { ok: false, rateLimited: true, retryAfterMs: 3_000 } })));
    const cut = await snapshot(key);
    expect(cut.allowance).toBe(0.5); // one congestion signal, not six halvings
    expect(cut.rateLimited).toBe(6);
    expect(cut.pausedUntil).toBeGreaterThanOrEqual(at + 3_000);

    // The state lives in storage: an evicted limiter wakes up with the cut still in force.
    await evictDurableObject(stub as unknown as DurableObjectStub);
    expect(await snapshot(key)).toMatchObject({ allowance: 0.5, rateLimited: 6, pausedUntil: cut.pausedUntil });

    // After the cut: nothing starts before Retry-After has passed, and grants come half as often.
    const askedAt = Date.now();
    const firstAfter = decided(await stub.acquire({ tokens: 0, limits }));
    expect(firstAfter.waitMs).toBeGreaterThanOrEqual(cut.pausedUntil - askedAt);
    const after = [firstAfter.leaseId as string, ...(await sequential(2))];
    gaps(startTimes(await snapshot(key))).forEach((gap) => expect(gap).toBeCloseTo(200, 6));
    // With no max_in_flight configured, the 429s also set a cap: half of the six calls in flight then.
    expect(cut.inFlightBase).toBe(6);
    expect(decided(await stub.acquire({ tokens: 0, limits }))).toEqual({ leaseId: null, waitMs: RATE_LIMIT_TUNING.pollMs });
    await Promise.all(after.map(ok));

    // Successes add 0.1 per run of five: 25 in all bring it back to the full rate, with no cap.
    for (let i = 0; i < 21; i++) await ok(await acquire());
    expect((await snapshot(key)).allowance).toBeCloseTo(0.9, 9);
    await ok(await acquire());
    expect(await snapshot(key)).toMatchObject({ allowance: 1, inFlightBase: null });
    const recovered = await sequential(4);
    gaps(startTimes(await snapshot(key))).forEach((gap) => expect(gap).toBeCloseTo(100, 6));
    await Promise.all(recovered.map(ok));
  });

  it("rejects malformed requests with an error result instead of throwing across RPC", async () => {
    const stub = limiter(freshKey("invalid"));
    const bad = await stub.acquire({ tokens: -1, limits: { requestsPerMinute: 10 } });
    expect(bad).toMatchObject({ ok: false, error: { code: "invalid_request" } });
    expect(bad.ok ? "" : bad.error.message).toContain("tokens");
    const unknown = await stub.release({ leaseId: "no-such-lease", outcome: { ok: true } });
    expect(unknown).toEqual({ ok: true, value: { released: false } });
  });

  it("keeps its state and each lease as stored values, readable inside the object", async () => {
    const key = freshKey("storage");
    const stub = limiter(key);
    const decision = decided(await stub.acquire({ tokens: 7, limits: { tokensPerMinute: 6_000 } }));
    const stored = await runInDurableObject(stub as unknown as DurableObjectStub, async (_instance, state) => ({
      core: await state.storage.get<Omit<RateLimiterState, "leases">>("rate_limiter_state"),
      lease: await state.storage.get<RateLimiterState["leases"][string]>(`lease:${decision.leaseId}`),
    }));
    expect(stored.lease).toMatchObject({ tokens: 7 });
    expect(stored.core?.limits).toEqual({ tokensPerMinute: 6_000 });
  });
});

describe("DurableObjectRateLimiterClient against the real object", () => {
  const clientFor = (options: { maxWaitMs?: number } = {}) => new DurableObjectRateLimiterClient({ stubFor: (key) => limiter(key), ...options });

  it("hands out leases that wait their reservation, and reports outcomes back", async () => {
    const key = freshKey("client");
    const client = clientFor();
    const limits = { requestsPerMinute: 1_200 }; // one per 50 ms, burst 200
    const burst = burstOf(1_200);
    const startedAt = Date.now();
    const times: number[] = [];
    const leases = await Promise.all(
      Array.from({ length: burst + 20 }, async () => {
        const lease = await client.acquire(key, { tokens: 0, limits });
        times.push(Date.now());
        return lease;
      }),
    );
    // The last 20 waited their turn: about 20 x 50 ms after the burst.
    expect(Math.max(...times) - startedAt).toBeGreaterThanOrEqual(900);
    for (const windowMs of [250, 500, 1_000]) {
      expect(maxInWindow(times, windowMs), `${windowMs} ms window`).toBeLessThanOrEqual(Math.floor((1_200 * windowMs) / 60_000 + burst) + 1);
    }
    expect(Object.keys((await snapshot(key)).leases)).toHaveLength(burst + 20);
    const [last, ...others] = leases;
    await Promise.all(others.map((lease) => lease.release({ ok: true, tokens: 3 })));
    expect(await snapshot(key)).toMatchObject({ granted: burst + 20, rateLimited: 0, allowance: 1 });
    await last?.release({ ok: false, rateLimited: true, retryAfterMs: 100 });
    expect(await snapshot(key)).toMatchObject({ leases: {}, granted: burst + 20, rateLimited: 1, allowance: 0.5 });
  });

  it("gives up with a rate_limited error when no lease comes within max_wait, and surfaces invalid requests", async () => {
    const key = freshKey("client-wait");
    const limits = { maxInFlight: 1 };
    const held = await clientFor().acquire(key, { tokens: 0, limits });
    const error = await clientFor({ maxWaitMs: 600 })
      .acquire(key, { tokens: 0, limits })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DistilflareError);
    expect(error).toMatchObject({ code: "rate_limited" });
    expect((error as Error).message).toContain("No rate-limit lease");
    await held.release({ ok: true });
    const next = await clientFor({ maxWaitMs: 600 }).acquire(key, { tokens: 0, limits });
    await next.release({ ok: true });

    const invalid = await clientFor()
      .acquire(freshKey("client-invalid"), { tokens: -5, limits: { maxInFlight: 10 } })
      .catch((e: unknown) => e);
    expect(invalid).toMatchObject({ code: "invalid_request" });
  });
});

describe("OpenAILLM calls throttled by the Durable Object", () => {
  /** A chat completion for `fetch` (not streamed: the LLMs here set `stream: false`), recording when each call reached the "server". */
  function fakeProvider(options: { rateLimitFirst?: number } = {}) {
    const seen: number[] = [];
    let limited = 0;
    const fetch = (async (_input: Parameters<typeof globalThis.fetch>[0], init?: RequestInit) => {
      const body = JSON.parse(String(init?.body ?? "{}")) as { messages?: Array<{ content?: string }> };
      if (limited < (options.rateLimitFirst ?? 0)) {
        limited++;
        return new Response(JSON.stringify({ error: { message: "Rate limit reached" } }), {
          status: 429,
          headers: { "content-type": "application/json", "retry-after-ms": "300" },
        });
      }
      seen.push(Date.now());
      const content = `ok: ${body.messages?.at(-1)?.content ?? ""}`;
      return new Response(
        JSON.stringify({
          id: "x",
          object: "chat.completion",
          created: 0,
          model: "m",
          choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
          usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
        }),
        { status: 200, headers: { "content-type": "application/json" } },
      );
    }) as typeof globalThis.fetch;
    return { seen, fetch, limitedCount: () => limited };
  }

  function consumerContext(fetch: typeof globalThis.fetch, client: DurableObjectRateLimiterClient): StepContext {
    return {
      runId: "r",
      stepName: "s",
      seqNo: 0,
      logger: new BufferLogger(""),
      services: defaultServices({ fetch, rateLimiter: client, secret: () => undefined }),
    };
  }

  it("keeps four concurrent consumers of one model under its requests_per_minute, and cuts the pace after a 429", async () => {
    const model = `throttled-${crypto.randomUUID()}`;
    const provider = fakeProvider({ rateLimitFirst: 1 });
    const client = new DurableObjectRateLimiterClient({ stubFor: (key) => limiter(key) });
    const rpm = 1_200;
    const consumers = Array.from({ length: 4 }, () => {
      const llm = new OpenAILLM({
        model,
        baseUrl: "http://127.0.0.1:9/v1",
        maxConcurrentRequests: 100,
        rateLimits: { requests_per_minute: rpm },
        stream: false,
      });
      llm.retryTiming = { initialDelayMs: 5, maxDelayMs: 20 };
      return llm;
    });
    const outputs = await Promise.all(
      consumers.map((llm, c) =>
        llm.generate(
          Array.from({ length: 60 }, (_, i) => [{ role: "user" as const, content: `consumer ${c} prompt ${i}` }]),
          { numGenerations: 1, context: consumerContext(provider.fetch, client) },
        ),
      ),
    );
    const texts = outputs.flat().map((o) => o.generations[0]);
    expect(texts).toHaveLength(240);
    expect(texts.every((t) => typeof t === "string" && t.startsWith("ok: consumer"))).toBe(true);
    expect(provider.limitedCount()).toBe(1);
    expect(provider.seen).toHaveLength(240);
    const burst = burstOf(rpm);
    for (const windowMs of [500, 1_000, 2_000]) {
      expect(maxInWindow(provider.seen, windowMs), `${windowMs} ms window`).toBeLessThanOrEqual(Math.floor((rpm * windowMs) / 60_000 + burst) + 1);
    }
    const state = await snapshot(`OpenAILLM|127.0.0.1:9|${model}`);
    expect(state.rateLimited).toBe(1);
    expect(state.granted).toBe(241);
    expect(state.leases).toEqual({});
  });

  it("fails a call whose lease does not come within the client's max wait instead of calling unthrottled", async () => {
    const model = `starved-${crypto.randomUUID()}`;
    const provider = fakeProvider();
    const key = `OpenAILLM|127.0.0.1:9|${model}`;
    const held = await new DurableObjectRateLimiterClient({ stubFor: (k) => limiter(k) }).acquire(key, { tokens: 0, limits: { maxInFlight: 1 } });
    const llm = new OpenAILLM({ model, baseUrl: "http://127.0.0.1:9/v1", rateLimits: { max_in_flight: 1 }, stream: false });
    const client = new DurableObjectRateLimiterClient({ stubFor: (k) => limiter(k), maxWaitMs: 500 });
    const [output] = await llm.generate([[{ role: "user", content: "may I?" }]], { numGenerations: 1, context: consumerContext(provider.fetch, client) });
    expect(output?.generations).toEqual([null]);
    expect(output?.error).toContain(`No rate-limit lease for '${key}'`);
    expect(provider.seen).toHaveLength(0);
    await held.release({ ok: true });
  });
});
