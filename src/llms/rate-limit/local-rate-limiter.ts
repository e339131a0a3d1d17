import { DistilflareError } from "../../errors.js";
import type { RateLimitLease, RateLimiterClient, RateLimits } from "../../steps/step-context.js";
import { withoutUndefined } from "../defined-fields.js";
import { sleep as realSleep } from "../reliability/backoff.js";
import { acquireLease, releaseLease } from "./rate-limit-algorithm.js";
import { initialRateLimiterState, type AcquireDecision, type RateLimiterState, type RateLimitsRequest } from "./rate-limit-state.js";

/** Time as the limiter sees it; tests pass a fake one. */
export interface LimiterClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: LimiterClock = { now: () => Date.now(), sleep: (ms) => realSleep(ms) };

/** Drops unset limits (the RPC schema is strict about `undefined` values crossing the wire). */
export function toLimitsRequest(limits: RateLimits): RateLimitsRequest {
  return withoutUndefined({ requestsPerMinute: limits.requestsPerMinute, tokensPerMinute: limits.tokensPerMinute, maxInFlight: limits.maxInFlight });
}

/** Asks for a lease until one is given and waits out its reservation; gives up once `maxWait` would pass. */
export async function waitForLease(
  ask: () => AcquireDecision | Promise<AcquireDecision>,
  clock: LimiterClock,
  random: () => number,
  maxWait?: { key: string; maxWaitMs: number },
): Promise<string> {
  const started = clock.now();
  for (;;) {
    const decision = await ask();
    if (decision.leaseId !== null) {
      if (decision.waitMs > 0) await clock.sleep(decision.waitMs);
      return decision.leaseId;
    }
    if (maxWait && clock.now() - started + decision.waitMs > maxWait.maxWaitMs) {
      throw new DistilflareError("rate_limited", `No rate-limit lease for '${maxWait.key}' within ${maxWait.maxWaitMs} ms`, { key: maxWait.key });
    }
    // A little jitter on re-asks so callers told to wait the same time do not return together.
    await clock.sleep(Math.round(decision.waitMs * (1 + 0.2 * random())));
  }
}

/**
 * The limiter in memory, for one process (in-process runs, `wrangler dev` without the Durable
 * Object, tests). Same algorithm and semantics as the deployment-wide Durable Object.
 */
export class LocalRateLimiter implements RateLimiterClient {
  private readonly states = new Map<string, RateLimiterState>();
  private readonly clock: LimiterClock;
  private readonly random: () => number;

  constructor(options: { clock?: LimiterClock; random?: () => number } = {}) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
  }

  async acquire(key: string, request: { tokens: number; limits: RateLimits }): Promise<RateLimitLease> {
    const limits = toLimitsRequest(request.limits);
    const ask = () => acquireLease(this.stateFor(key), { tokens: request.tokens, limits }, this.clock.now());
    const leaseId = await waitForLease(ask, this.clock, this.random);
    return { release: async (outcome) => void releaseLease(this.stateFor(key), leaseId, outcome, this.clock.now()) };
  }

  /** A copy of a key's state (tests and diagnostics). */
  snapshot(key: string): RateLimiterState | undefined {
    const state = this.states.get(key);
    return state ? structuredClone(state) : undefined;
  }

  private stateFor(key: string): RateLimiterState {
    const state = this.states.get(key) ?? initialRateLimiterState();
    this.states.set(key, state);
    return state;
  }
}
