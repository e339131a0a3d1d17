import { DurableObject } from "cloudflare:workers";
import { RateLimiterService } from "../src/llms/rate-limit/rate-limiter-service.js";
import type { AcquireDecision, AcquireRequest, RateLimiterState, ReleaseRequest, RpcResult } from "../src/llms/rate-limit/rate-limit-state.js";

/**
 * The deployment-wide LLM rate limiter: one object per (provider, endpoint, model) key, reached
 * with `idFromName(key)` / `getByName(key)`. Token buckets for requests and tokens per minute, a
 * cap on calls in flight, and AIMD on 429s (see src/llms/rate-limit/rate-limit-algorithm.ts).
 * Its state is one small JSON value in storage, written on every change, so eviction loses nothing.
 *
 * wrangler.toml: a `[[durable_objects.bindings]]` entry `{ name = "RATE_LIMITER", class_name = "LlmRateLimiter" }`
 * and the class in a `new_sqlite_classes` migration.
 */
export class LlmRateLimiter extends DurableObject {
  private readonly service: RateLimiterService;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.service = new RateLimiterService({
      get: (key) => ctx.storage.get(key),
      put: (key, value) => ctx.storage.put(key, value),
      delete: (key) => ctx.storage.delete(key),
      list: (prefix) => ctx.storage.list({ prefix }),
    });
  }

  /** A lease to start a call after `waitMs`, or `leaseId: null` and when to ask again. */
  async acquire(request: AcquireRequest): Promise<RpcResult<AcquireDecision>> {
    return this.service.acquire(request);
  }

  /** Ends a lease and reports how the call went (AIMD reacts to `rateLimited`). */
  async release(request: ReleaseRequest): Promise<RpcResult<{ released: boolean }>> {
    return this.service.release(request);
  }

  /** The limiter's state, for diagnostics. */
  async snapshot(): Promise<RpcResult<RateLimiterState>> {
    return { ok: true, value: await this.service.snapshot() };
  }
}
