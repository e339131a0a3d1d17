import { describe, expect, it } from "vitest";
import { DistilflareError } from "../../../src/errors.js";
import { DurableObjectRateLimiterClient, UnlimitedKeys, type RateLimiterStub } from "../../../src/llms/rate-limit/durable-object-client.js";
import { LocalRateLimiter } from "../../../src/llms/rate-limit/local-rate-limiter.js";
import { acquireLease, effectiveLimits, RATE_LIMIT_TUNING, releaseLease } from "../../../src/llms/rate-limit/rate-limit-algorithm.js";
import { initialRateLimiterState } from "../../../src/llms/rate-limit/rate-limit-state.js";
import { RateLimiterService } from "../../../src/llms/rate-limit/rate-limiter-service.js";
import { FakeClock } from "./support/fake-clock.js";

const MINUTE = 60_000;

/** Largest number of starts in any window of `windowMs`. */
function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let left = 0;
  for (let right = 0; right < sorted.length; right++) {
    while ((sorted[right] ?? 0) - (sorted[left] ?? 0) >= windowMs) left++;
    best = Math.max(best, right - left + 1);
  }
  return best;
}

describe("rate-limit algorithm", () => {
  it("never starts more than requests_per_minute plus the burst in any minute, with 200 concurrent callers", async () => {
    const clock = new FakeClock();
    const limiter = new LocalRateLimiter({ clock, random: () => 0.5 });
    const starts: number[] = [];
    const caller = async (): Promise<void> => {
      for (let call = 0; call < 3; call++) {
        const lease = await limiter.acquire("openai|gpt", { tokens: 100, limits: { requestsPerMinute: 60 } });
        starts.push(clock.now());
        await clock.sleep(100);
        await lease.release({ ok: true });
      }
    };
    await clock.runUntil(Promise.all(Array.from({ length: 200 }, caller)));
    const burst = 60 * (RATE_LIMIT_TUNING.burstMs / MINUTE);
    expect(burst).toBe(10);
    expect(starts).toHaveLength(600);
    expect(maxInWindow(starts, MINUTE)).toBeLessThanOrEqual(60 + burst);
    // And the limiter does not under-serve: 600 calls at 1/s after a burst of 10 take about 590 s.
    const last = Math.max(...starts);
    expect(last).toBeGreaterThanOrEqual(589_000);
    expect(last).toBeLessThanOrEqual(600_000);
  });

  it("recovers its throughput after a burst of 429s", async () => {
    const clock = new FakeClock();
    const limiter = new LocalRateLimiter({ clock, random: () => 0.5 });
    const key = "anthropic|claude";
    const limits = { requestsPerMinute: 600 };
    const starts: number[] = [];
    const overloaded = (t: number): boolean => t >= 30_000 && t < 33_000;
    let stop = false;
    const caller = async (): Promise<void> => {
      while (!stop) {
        const lease = await limiter.acquire(key, { tokens: 10, limits });
        const started = clock.now();
        starts.push(started);
        await clock.sleep(50);
        if (overloaded(started)) await lease.release({ ok: false, rateLimited: true, retryAfterMs: 2_000 });
        else await lease.release({ ok: true });
        if (clock.now() > 180_000) stop = true;
      }
    };
    await clock.runUntil(Promise.all(Array.from({ length: 20 }, caller)));
    const count = (from: number, to: number): number => starts.filter((t) => t >= from && t < to).length;
    expect(count(10_000, 30_000)).toBeGreaterThanOrEqual(195); // 10/s before the 429s
    const throttledAt = count(34_000, 44_000);
    expect(throttledAt).toBeLessThan(80); // cut multiplicatively
    expect(count(160_000, 180_000)).toBeGreaterThanOrEqual(195); // grown back additively
    expect(limiter.snapshot(key)?.allowance).toBe(1);
    expect(limiter.snapshot(key)?.rateLimited).toBeGreaterThan(0);
  });

  it("pauses new grants until Retry-After has passed", () => {
    const state = initialRateLimiterState();
    const limits = { requestsPerMinute: 6000 };
    const first = acquireLease(state, { tokens: 0, limits }, 0);
    expect(first).toMatchObject({ waitMs: 0 });
    releaseLease(state, first.leaseId ?? "", { ok: false, rateLimited: true, retryAfterMs: 5_000 }, 100);
    const next = acquireLease(state, { tokens: 0, limits }, 200);
    expect(next.leaseId).not.toBeNull();
    expect(next.waitMs).toBeGreaterThanOrEqual(4_900);
  });

  it("halves the allowance once per congestion signal and adds back after runs of successes", () => {
    const state = initialRateLimiterState();
    const limits = { requestsPerMinute: 100, maxInFlight: 8 };
    const leases = Array.from({ length: 4 }, () => acquireLease(state, { tokens: 0, limits }, 0).leaseId ?? "");
    releaseLease(state, leases[0] ?? "", { ok: false, rateLimited: true }, 10);
    releaseLease(state, leases[1] ?? "", { ok: false, rateLimited: true }, 20); // same burst: no second cut
    expect(state.allowance).toBe(0.5);
    expect(effectiveLimits(state)).toEqual({ requestsPerMinute: 50, tokensPerMinute: undefined, maxInFlight: 4 });
    releaseLease(state, leases[2] ?? "", { ok: false, rateLimited: true }, 2_000);
    expect(state.allowance).toBe(0.25);
    for (let i = 0; i < RATE_LIMIT_TUNING.successesPerIncrease; i++) {
      const lease = acquireLease(state, { tokens: 0, limits }, 100_000 + i * 10_000).leaseId ?? "";
      releaseLease(state, lease, { ok: true }, 100_000 + i * 10_000 + 1);
    }
    expect(state.allowance).toBeCloseTo(0.35, 10);
  });

  it("caps calls in flight and derives a cap from 429s when none is configured", () => {
    const state = initialRateLimiterState();
    const capped = { maxInFlight: 2 };
    const a = acquireLease(state, { tokens: 0, limits: capped }, 0);
    const b = acquireLease(state, { tokens: 0, limits: capped }, 0);
    const c = acquireLease(state, { tokens: 0, limits: capped }, 0);
    expect([a.leaseId, b.leaseId, c.leaseId]).toEqual(["1", "2", null]);
    expect(c.waitMs).toBe(RATE_LIMIT_TUNING.pollMs);
    releaseLease(state, "1", { ok: true }, 1);
    expect(acquireLease(state, { tokens: 0, limits: capped }, 2).leaseId).toBe("3");

    const open = initialRateLimiterState();
    const ids = Array.from({ length: 6 }, () => acquireLease(open, { tokens: 0, limits: {} }, 0).leaseId ?? "");
    expect(effectiveLimits(open).maxInFlight).toBeUndefined();
    releaseLease(open, ids[0] ?? "", { ok: false, rateLimited: true }, 1);
    expect(effectiveLimits(open).maxInFlight).toBe(3); // half of the 6 in flight at the 429
    expect(acquireLease(open, { tokens: 0, limits: {} }, 2).leaseId).toBeNull();
  });

  it("forgets a lease nobody released once its time is up", () => {
    const state = initialRateLimiterState();
    const limits = { maxInFlight: 1 };
    expect(acquireLease(state, { tokens: 0, limits, ttlMs: 1_000 }, 0).leaseId).toBe("1");
    expect(acquireLease(state, { tokens: 0, limits }, 500)).toEqual({ leaseId: null, waitMs: 250 });
    expect(acquireLease(state, { tokens: 0, limits }, 1_001).leaseId).toBe("2");
  });

  it("reserves tokens per minute and settles the estimate with the real usage", () => {
    const state = initialRateLimiterState();
    const limits = { tokensPerMinute: 6_000 }; // 0.1 token/ms, a burst of 1,000 tokens
    const first = acquireLease(state, { tokens: 800, limits }, 0);
    expect(first.waitMs).toBe(0);
    const second = acquireLease(state, { tokens: 800, limits }, 0);
    expect(second.waitMs).toBe(6_000);
    releaseLease(state, first.leaseId ?? "", { ok: true, tokens: 100 }, 0);
    expect(state.tokens?.level).toBeCloseTo(100, 6); // -600 + 700 refunded
    expect(acquireLease(state, { tokens: 100, limits }, 0).waitMs).toBe(0);
  });
});

class MemoryStorage {
  readonly values = new Map<string, unknown>();
  async get(key: string): Promise<unknown> {
    return structuredClone(this.values.get(key));
  }
  async put(key: string, value: unknown): Promise<void> {
    this.values.set(key, structuredClone(value));
  }
  async delete(key: string): Promise<boolean> {
    return this.values.delete(key);
  }
  async list(prefix: string): Promise<Map<string, unknown>> {
    return new Map([...this.values].filter(([key]) => key.startsWith(prefix)).map(([key, value]) => [key, structuredClone(value)]));
  }
}

describe("RateLimiterService (the Durable Object's logic)", () => {
  it("keeps its state as plain JSON", () => {
    const state = initialRateLimiterState();
    const lease = acquireLease(state, { tokens: 1, limits: { requestsPerMinute: 10 } }, 0);
    releaseLease(state, lease.leaseId ?? "", { ok: false, rateLimited: true, retryAfterMs: 100 }, 5);
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });

  it("persists leases so a restarted object keeps the in-flight cap", async () => {
    const storage = new MemoryStorage();
    let now = 0;
    const first = new RateLimiterService(storage, () => now);
    expect(await first.acquire({ tokens: 5, limits: { maxInFlight: 1 } })).toEqual({ ok: true, value: { leaseId: "1", waitMs: 0 } });
    const restarted = new RateLimiterService(storage, () => now);
    expect(await restarted.acquire({ tokens: 5, limits: { maxInFlight: 1 } })).toEqual({ ok: true, value: { leaseId: null, waitMs: 250 } });
    expect(await restarted.release({ leaseId: "1", outcome: { ok: true } })).toEqual({ ok: true, value: { released: true } });
    now = 10;
    expect(await new RateLimiterService(storage, () => now).acquire({ tokens: 5, limits: { maxInFlight: 1 } })).toEqual({
      ok: true,
      value: { leaseId: "2", waitMs: 0 },
    });
  });

  it("stores each lease under its own key and deletes it on release", async () => {
    const storage = new MemoryStorage();
    const service = new RateLimiterService(storage, () => 0);
    const leases = [];
    for (let i = 0; i < 3; i++) leases.push(await service.acquire({ tokens: 1 }));
    const ids = leases.map((result) => (result.ok ? result.value.leaseId : null));
    expect([...storage.values.keys()].sort()).toEqual(["lease:1", "lease:2", "lease:3", "rate_limiter_state"]);
    expect(storage.values.get("rate_limiter_state")).not.toHaveProperty("leases");
    await service.release({ leaseId: ids[1] ?? "", outcome: { ok: true } });
    expect([...storage.values.keys()].sort()).toEqual(["lease:1", "lease:3", "rate_limiter_state"]);
    expect(Object.keys((await new RateLimiterService(storage, () => 0).snapshot()).leases).sort()).toEqual(["1", "3"]);
  });

  it("answers a malformed request with an error result instead of throwing", async () => {
    const service = new RateLimiterService(new MemoryStorage());
    const result = await service.acquire({ tokens: -1, limits: { requestsPerMinute: "many" } });
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.error.code).toBe("invalid_request");
    expect(result.ok === false && result.error.message).toMatch(/rate limiter acquire: .*tokens/s);
  });
});

describe("DurableObjectRateLimiterClient", () => {
  function stubOver(service: RateLimiterService, calls: string[]): RateLimiterStub {
    return {
      acquire: async (request) => {
        calls.push(`acquire ${JSON.stringify(request)}`);
        return service.acquire(request);
      },
      release: async (request) => {
        calls.push(`release ${JSON.stringify(request)}`);
        return service.release(request);
      },
    };
  }

  it("waits and asks again when no lease is free, and reports outcomes", async () => {
    const clock = new FakeClock();
    const service = new RateLimiterService(new MemoryStorage(), clock.now);
    const calls: string[] = [];
    const keys: string[] = [];
    const client = new DurableObjectRateLimiterClient({
      stubFor: (key) => {
        keys.push(key);
        return stubOver(service, calls);
      },
      clock,
      random: () => 0,
    });
    const limits = { maxInFlight: 1, requestsPerMinute: undefined };
    const first = await clock.runUntil(client.acquire("k", { tokens: 3, limits }));
    const second = client.acquire("k", { tokens: 3, limits });
    const released = (async () => {
      await clock.sleep(1_000);
      await first.release({ ok: false, rateLimited: true, retryAfterMs: 2_000, tokens: undefined });
    })();
    const lease = await clock.runUntil(Promise.all([second, released]).then(([l]) => l));
    expect(clock.now()).toBeGreaterThanOrEqual(3_000); // after the release at 1 s, then the 2 s Retry-After
    await lease.release({ ok: true, tokens: 7 });
    expect(keys.every((k) => k === "k")).toBe(true);
    expect(calls[0]).toBe('acquire {"tokens":3,"limits":{"maxInFlight":1}}');
    expect(calls).toContain('release {"leaseId":"1","outcome":{"ok":false,"rateLimited":true,"retryAfterMs":2000}}');
    expect(calls.at(-1)).toBe('release {"leaseId":"2","outcome":{"ok":true,"tokens":7}}');
    expect(calls.filter((c) => c.startsWith("acquire")).length).toBeGreaterThan(3);
  });

  it("throws the limiter's error result as a DistilflareError", async () => {
    const client = new DurableObjectRateLimiterClient({
      stubFor: () => ({
        acquire: async () => ({ ok: false, error: { code: "internal", message: "storage exploded" } }),
        release: async () => ({ ok: true, value: { released: true } }),
      }),
    });
    await expect(client.acquire("k", { tokens: 1, limits: { maxInFlight: 4 } })).rejects.toThrow(DistilflareError);
    await expect(client.acquire("k", { tokens: 1, limits: { maxInFlight: 4 } })).rejects.toThrow("rate limiter 'k': storage exploded");
  });

  it("calls a key without limits without a round trip until a 429, which the limiter hears with the calls in flight", async () => {
    const service = new RateLimiterService(new MemoryStorage());
    const calls: string[] = [];
    const client = new DurableObjectRateLimiterClient({ stubFor: () => stubOver(service, calls), unlimited: new UnlimitedKeys() });
    const leases = await Promise.all(Array.from({ length: 6 }, () => client.acquire("k", { tokens: 1, limits: {} })));
    await leases[0]?.release({ ok: true });
    expect(calls).toEqual([]);
    await leases[1]?.release({ ok: false, rateLimited: true });
    expect(calls).toEqual(['acquire {"tokens":1,"limits":{}}', 'release {"leaseId":"1","outcome":{"ok":false,"rateLimited":true,"inFlight":5}}']);
    // The adaptive cap starts from the 5 calls that were in flight: half of them after the cut.
    expect(await service.snapshot()).toMatchObject({ inFlightBase: 5, allowance: 0.5, rateLimited: 1 });
    const after = await client.acquire("k", { tokens: 1, limits: {} });
    expect(calls.at(-1)).toBe('acquire {"tokens":1,"limits":{}}');
    await after.release({ ok: true });
    expect(calls.at(-1)).toBe('release {"leaseId":"2","outcome":{"ok":true}}');
    for (const lease of leases.slice(2)) await lease.release({ ok: true });
    expect(calls).toHaveLength(4);
  });

  it("keeps using the limiter for keys with limits", async () => {
    const service = new RateLimiterService(new MemoryStorage());
    const calls: string[] = [];
    const client = new DurableObjectRateLimiterClient({ stubFor: () => stubOver(service, calls), unlimited: new UnlimitedKeys() });
    const lease = await client.acquire("k", { tokens: 1, limits: { requestsPerMinute: 600 } });
    await lease.release({ ok: true });
    expect(calls).toEqual(['acquire {"tokens":1,"limits":{"requestsPerMinute":600}}', 'release {"leaseId":"1","outcome":{"ok":true}}']);
  });
});
