import type { BlobStore } from "../runtime/blob-store.js";
import type { SecretPolicy } from "../security/secret-policy.js";
import type { UsageRecorder } from "../llms/usage/usage.js";

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Grants call budgets for one (provider, model) across the deployment. */
export interface RateLimiterClient {
  /** Waits until a request of about `tokens` tokens may start; returns a release callback. */
  acquire(key: string, request: { tokens: number; limits: RateLimits }): Promise<RateLimitLease>;
}

export interface RateLimits {
  requestsPerMinute?: number | undefined;
  tokensPerMinute?: number | undefined;
  maxInFlight?: number | undefined;
}

export interface RateLimitLease {
  /** Reports how the call went, so the limiter can adapt (AIMD on 429). */
  release(outcome: { ok: boolean; rateLimited?: boolean; retryAfterMs?: number; tokens?: number; inFlight?: number }): Promise<void>;
}

/** What the runtime offers to steps: secrets, bindings, network and storage. */
export interface StepServices {
  /** A secret or environment variable by name (Worker secret, `process.env` in-process). */
  secret(name: string): string | undefined;
  /** A runtime binding by name (`AI` for Workers AI); undefined where there is none. */
  binding(name: string): unknown;
  fetch: typeof fetch;
  /** The run's object store (R2 on Workers): loaders read files from it, PushToHub reads Parquet. */
  blobs: BlobStore | undefined;
  rateLimiter: RateLimiterClient | undefined;
  /** Caps simultaneous outgoing calls of this invocation (Workers allow 6 open connections). */
  connectionSlots: Semaphore;
  /**
   * The owner's rules for outgoing calls (SECURITY.md). Set on Workers, where pipelines come
   * from API callers; validation refuses a pipeline that would break them, and `fetch` enforces
   * them again on every call. Undefined in-process: the owner wrote the pipeline.
   */
  egressPolicy?: SecretPolicy | undefined;
}

export interface StepContext {
  runId: string;
  stepName: string;
  seqNo: number;
  logger: Logger;
  services: StepServices;
  signal?: AbortSignal | undefined;
  /** Collects the LLM calls of this work item (tokens, cache hits) for its report. */
  usage?: UsageRecorder | undefined;
}

/** A counting semaphore: bounded concurrency without a library. */
export class Semaphore {
  private available: number;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly capacity: number) {
    this.available = capacity;
  }

  async acquire(): Promise<() => void> {
    if (this.available > 0) {
      this.available--;
    } else {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.available++;
    };
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

/** Runs `fn` over `items` with at most `limit` at once, keeping result order. */
export async function mapConcurrent<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  });
  await Promise.all(workers);
  return results;
}

/** A logger that keeps lines in memory (for reports to the run and `pipeline.log`). */
export class BufferLogger implements Logger {
  readonly lines: string[] = [];
  constructor(
    private readonly prefix: string,
    private readonly limit = 200,
  ) {}
  readonly debug = (message: string): void => this.push("DEBUG", message);
  readonly info = (message: string): void => this.push("INFO", message);
  readonly warn = (message: string): void => this.push("WARNING", message);
  readonly error = (message: string): void => this.push("ERROR", message);

  private push(level: string, message: string): void {
    if (this.lines.length < this.limit) this.lines.push(`${new Date().toISOString()} ${level} ${this.prefix}${message}`);
  }
}

/** Services for code that runs outside any runtime (unit tests, scripts). */
export function defaultServices(overrides: Partial<StepServices> = {}): StepServices {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
  return {
    secret: (name) => env[name],
    binding: () => undefined,
    fetch: (input, init) => fetch(input, init),
    blobs: undefined,
    rateLimiter: undefined,
    connectionSlots: new Semaphore(6),
    ...overrides,
  };
}
