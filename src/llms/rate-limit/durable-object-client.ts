import { DistilflareError, isErrorBody } from "../../errors.js";
import type { RateLimitLease, RateLimiterClient, RateLimits } from "../../steps/step-context.js";
import { withoutUndefined } from "../defined-fields.js";
import { systemClock, toLimitsRequest, waitForLease, type LimiterClock } from "./local-rate-limiter.js";
import type { AcquireDecision, AcquireRequest, RateLimitsRequest, ReleaseRequest, RpcResult } from "./rate-limit-state.js";

/** The RPC surface of the `LlmRateLimiter` Durable Object, structurally (no Cloudflare types in src/). */
export interface RateLimiterStub {
  acquire(request: AcquireRequest): Promise<RpcResult<AcquireDecision>>;
  release(request: ReleaseRequest): Promise<RpcResult<{ released: boolean }>>;
}

export interface DurableObjectRateLimiterClientOptions {
  /** The limiter object of a key, e.g. `(key) => env.RATE_LIMITER.getByName(key)`. */
  stubFor: (key: string) => RateLimiterStub;
  /** How long a lease may stay unreleased before the limiter forgets it. */
  leaseTtlMs?: number;
  /** Give up waiting for a lease after this long (a queue consumer lives 15 min). */
  maxWaitMs?: number;
  clock?: LimiterClock;
  random?: () => number;
  /** Keys that need the limiter although they set no limits, and their calls in flight (default: one per isolate). */
  unlimited?: UnlimitedKeys;
}

/**
 * Calls of keys without limits skip the limiter: it would grant each at once, yet cost two
 * round trips to one object (most of a fast LLM step's CPU under `wrangler dev`). What the
 * limiter still does for such a key is adapt to 429s (an in-flight cap from the calls in flight
 * at the first one), so a key's first 429 is reported to it with the calls this isolate had in
 * flight, and from then on the key's calls in this isolate go through it.
 */
export class UnlimitedKeys {
  private readonly engaged = new Set<string>();
  private readonly inFlight = new Map<string, number>();

  skips(key: string, limits: RateLimitsRequest): boolean {
    return Object.keys(limits).length === 0 && !this.engaged.has(key);
  }

  engage(key: string): void {
    this.engaged.add(key);
  }

  start(key: string): void {
    this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
  }

  /** Ends a call; returns how many (this one included) were in flight. */
  end(key: string): number {
    const count = this.inFlight.get(key) ?? 1;
    if (count <= 1) this.inFlight.delete(key);
    else this.inFlight.set(key, count - 1);
    return count;
  }
}

const isolateUnlimitedKeys = new UnlimitedKeys();

/**
 * `RateLimiterClient` over the deployment-wide Durable Object: asks for a lease, waits the
 * reservation's `waitMs` (or asks again after it when no lease was given), and reports each
 * call's outcome so the limiter can adapt.
 *
 * @example
 * const rateLimiter = new DurableObjectRateLimiterClient({ stubFor: (key) => env.RATE_LIMITER.getByName(key) });
 */
export class DurableObjectRateLimiterClient implements RateLimiterClient {
  private readonly clock: LimiterClock;
  private readonly random: () => number;
  private readonly unlimited: UnlimitedKeys;

  constructor(private readonly options: DurableObjectRateLimiterClientOptions) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.unlimited = options.unlimited ?? isolateUnlimitedKeys;
  }

  async acquire(key: string, request: { tokens: number; limits: RateLimits }): Promise<RateLimitLease> {
    const limits = toLimitsRequest(request.limits);
    if (this.unlimited.skips(key, limits)) return this.unleased(key, request.tokens);
    const stub = this.options.stubFor(key);
    const maxWaitMs = this.options.maxWaitMs ?? 15 * 60_000;
    const body: AcquireRequest = { tokens: request.tokens, limits };
    if (this.options.leaseTtlMs !== undefined) body.ttlMs = this.options.leaseTtlMs;
    const leaseId = await waitForLease(async () => unwrap(await stub.acquire(body), key), this.clock, this.random, { key, maxWaitMs });
    // `undefined` fields do not survive the strict RPC schema.
    return { release: async (outcome) => void unwrap(await stub.release({ leaseId, outcome: withoutUndefined(outcome) }), key) };
  }

  /** A call of a key without limits: no round trip, unless it comes back 429 (then the limiter hears of it). */
  private unleased(key: string, tokens: number): RateLimitLease {
    this.unlimited.start(key);
    let released = false;
    return {
      release: async (outcome) => {
        if (released) return;
        released = true;
        const inFlight = this.unlimited.end(key);
        if (!outcome.rateLimited) return;
        this.unlimited.engage(key);
        const lease = await this.acquire(key, { tokens, limits: {} });
        await lease.release({ ...outcome, inFlight });
      },
    };
  }
}

function unwrap<T>(result: RpcResult<T>, key: string): T {
  if (result.ok) return result.value;
  const { code, message } = result.error;
  if (isErrorBody(result.error)) throw new DistilflareError(result.error.code, `rate limiter '${key}': ${message}`);
  throw new DistilflareError("internal", `rate limiter '${key}': ${code}: ${message}`);
}
