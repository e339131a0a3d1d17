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
  delete(key: string): Promise<unknown>;
  /** Every key with `prefix` and its value. */
  list(prefix: string): Promise<Map<string, unknown>>;
}

const STATE_KEY = "rate_limiter_state";
/**
 * Each lease is stored under its own key: a call's acquire and release then write one small
 * value, not every lease in flight (with hundreds of calls in flight, rewriting them all on every
 * call made the limiter the busiest object of a run).
 */
const LEASE_PREFIX = "lease:";
const leaseSchema = rateLimiterStateSchema.shape.leases.valueType;

/**
 * The limiter behind one Durable Object (one per (provider, model) key): validates RPC
 * arguments, runs the algorithm, persists the state after every change, and answers with
 * `{ ok, value } | { ok: false, error }` since RPC drops custom error properties.
 */
export class RateLimiterService {
  private state: RateLimiterState | undefined;
  /** Lease ids as stored, to write only the leases that came or went. */
  private readonly storedLeases = new Set<string>();

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
    const raw = (await this.storage.get(STATE_KEY)) as Record<string, unknown> | undefined;
    const stored = rateLimiterStateSchema.safeParse(raw ? { leases: {}, ...raw } : raw);
    // Unreadable state (an older layout) only costs the limiter its memory: start afresh.
    const state = stored.success ? stored.data : initialRateLimiterState();
    for (const [key, value] of await this.storage.list(LEASE_PREFIX)) {
      const lease = leaseSchema.safeParse(value);
      const id = key.slice(LEASE_PREFIX.length);
      if (lease.success) state.leases[id] = lease.data;
      this.storedLeases.add(id);
    }
    if (this.state) return this.state; // another call loaded it while this one listed
    this.state = state;
    return state;
  }

  private async save(): Promise<void> {
    const state = this.state;
    if (!state) return;
    const { leases, ...core } = state;
    const writes: Promise<unknown>[] = [this.storage.put(STATE_KEY, core)];
    for (const id of Object.keys(leases)) {
      if (this.storedLeases.has(id)) continue;
      this.storedLeases.add(id);
      writes.push(this.storage.put(LEASE_PREFIX + id, leases[id]));
    }
    for (const id of this.storedLeases) {
      if (id in leases) continue;
      this.storedLeases.delete(id);
      writes.push(this.storage.delete(LEASE_PREFIX + id));
    }
    await Promise.all(writes);
  }
}

function invalid(method: string, error: z.ZodError): { ok: false; error: { code: string; message: string } } {
  return { ok: false, error: { code: "invalid_request", message: `rate limiter ${method}: ${z.prettifyError(error).replace(/\n/g, " ")}` } };
}
