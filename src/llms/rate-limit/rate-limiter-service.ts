import { z } from "zod";
import { acquireLease, releaseLease } from "./rate-limit-algorithm.js";
import {
  acquireRequestSchema,
  initialRateLimiterState,
  rateLimiterStateSchema,
  releaseRequestSchema,
  type AcquireDecision,
  type RateLimiterState,
  type RpcResult,
} from "./rate-limit-state.js";

/** The slice of Durable Object storage the limiter needs. */
export interface StateStorage {
  get(key: string): Promise<unknown>;
  put(key: string, value: unknown): Promise<void>;
}

const STATE_KEY = "rate_limiter_state";

/**
 * The limiter behind one Durable Object (one per (provider, model) key): validates RPC
 * arguments, runs the algorithm, persists the state after every change, and answers with
 * `{ ok, value } | { ok: false, error }` since RPC drops custom error properties.
 */
export class RateLimiterService {
  private state: RateLimiterState | undefined;

  constructor(
    private readonly storage: StateStorage,
    private readonly now: () => number = Date.now,
  ) {}

  async acquire(raw: unknown): Promise<RpcResult<AcquireDecision>> {
    const parsed = acquireRequestSchema.safeParse(raw);
    if (!parsed.success) return invalid("acquire", parsed.error);
    const state = await this.load();
    const decision = acquireLease(state, parsed.data, this.now());
    if (decision.leaseId !== null) await this.save();
    return { ok: true, value: decision };
  }

  async release(raw: unknown): Promise<RpcResult<{ released: boolean }>> {
    const parsed = releaseRequestSchema.safeParse(raw);
    if (!parsed.success) return invalid("release", parsed.error);
    const state = await this.load();
    const value = releaseLease(state, parsed.data.leaseId, parsed.data.outcome, this.now());
    await this.save();
    return { ok: true, value };
  }

  async snapshot(): Promise<RateLimiterState> {
    return structuredClone(await this.load());
  }

  private async load(): Promise<RateLimiterState> {
    if (this.state) return this.state;
    const stored = rateLimiterStateSchema.safeParse(await this.storage.get(STATE_KEY));
    // Unreadable state (an older layout) only costs the limiter its memory: start afresh.
    this.state = stored.success ? stored.data : initialRateLimiterState();
    return this.state;
  }

  private async save(): Promise<void> {
    if (this.state) await this.storage.put(STATE_KEY, this.state);
  }
}

function invalid(method: string, error: z.ZodError): { ok: false; error: { code: string; message: string } } {
  return { ok: false, error: { code: "invalid_request", message: `rate limiter ${method}: ${z.prettifyError(error).replace(/\n/g, " ")}` } };
}
