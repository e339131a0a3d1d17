import { DistilflareError } from "../../errors.js";
import type { RateLimitLease, RateLimits, StepContext } from "../../steps/step-context.js";
import { backoffDelayMs, DEFAULT_RETRY_TIMING, sleep, type RetryTiming } from "./backoff.js";
import { classifyError, describeError, type CallFailure, type ObservedResponse } from "./classify-error.js";
import { fetchWithSlotUntilHeaders } from "./connection-slots.js";

/**
 * One attempt's tools: abort on timeout or cancellation, and a fetch bound to both that holds a
 * connection slot until the response headers arrive (clients with their own fetch use
 * `fetchWithSlotUntilHeaders` too).
 */
export interface Attempt {
  /** 0 for the first attempt. */
  number: number;
  signal: AbortSignal;
  /** `context.services.fetch` with this attempt's signal; remembers the last response for error classification. */
  fetch: typeof fetch;
}

export interface RateLimitRequest {
  /** The limiter key, one per (provider, endpoint, model). */
  key: string;
  limits: RateLimits;
  /** Estimated tokens of the call (prompt + completion budget). */
  tokens: number;
}

export interface ReliableCallOptions<T> {
  context: StepContext;
  /** How errors name the call: `OpenAILLM (gpt-4o-mini)`. */
  label: string;
  /** Attempts after the first (distilabel's `max_retries`). */
  maxRetries: number;
  timeoutMs: number;
  timing?: Partial<RetryTiming> | undefined;
  rateLimit?: RateLimitRequest | undefined;
  /** Tokens the call really used, reported to the limiter on success. */
  tokensUsed?: ((result: T) => number | undefined) | undefined;
  random?: (() => number) | undefined;
}

type AttemptOutcome<T> = { ok: true; value: T } | { ok: false; failure: CallFailure };

/**
 * Runs a provider call with retries (exponential backoff with full jitter, or the provider's
 * `Retry-After`), a per-attempt timeout, one of the invocation's connection slots while waiting for headers and,
 * when the runtime has one, a lease from the deployment-wide rate limiter per attempt. Throws a
 * `DistilflareError` (`llm_failed`, or `rate_limited` when the last answer was a 429) once retries
 * are spent or the error cannot be retried; the LLM base turns that into null generations for the row.
 */
export async function reliableCall<T>(options: ReliableCallOptions<T>, run: (attempt: Attempt) => Promise<T>): Promise<T> {
  const timing: RetryTiming = { ...DEFAULT_RETRY_TIMING, ...options.timing };
  const { context, label } = options;
  const attempts = options.maxRetries + 1;
  for (let attempt = 0; ; attempt++) {
    if (context.signal?.aborted) throw cancelledError(label, context.signal.reason);
    const outcome = await runAttempt(options, attempt, run);
    if (outcome.ok) return outcome.value;
    const { failure } = outcome;
    if (failure.cancelled) throw cancelledError(label, context.signal?.reason);
    if (!failure.retryable) throw finalError(`${label} request failed${statusSuffix(failure)}: ${failure.message}`, failure, attempt + 1);
    if (attempt + 1 >= attempts) {
      throw finalError(`${label} failed after ${attempts} attempt${attempts === 1 ? "" : "s"}${statusSuffix(failure)}: ${failure.message}`, failure, attempts);
    }
    const delay = failure.retryAfterMs !== undefined ? Math.min(failure.retryAfterMs, timing.maxRetryAfterMs) : backoffDelayMs(attempt, timing, options.random);
    context.logger.warn(`${label}: attempt ${attempt + 1}/${attempts} failed${statusSuffix(failure)}: ${failure.message}; retrying in ${delay} ms`);
    try {
      await sleep(delay, context.signal);
    } catch (reason) {
      throw cancelledError(label, reason);
    }
  }
}

async function runAttempt<T>(options: ReliableCallOptions<T>, number: number, run: (attempt: Attempt) => Promise<T>): Promise<AttemptOutcome<T>> {
  const { context } = options;
  const { services } = context;
  const lease = await acquireLease(options);
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    const reason = new Error(`timed out after ${options.timeoutMs} ms`);
    reason.name = "TimeoutError";
    controller.abort(reason);
  }, options.timeoutMs);
  const onCancel = (): void => controller.abort(context.signal?.reason);
  context.signal?.addEventListener("abort", onCancel, { once: true });
  let lastResponse: ObservedResponse | undefined;
  const slotted = fetchWithSlotUntilHeaders(services.fetch, services.connectionSlots);
  const attemptFetch = (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    const signal = init?.signal ? AbortSignal.any([init.signal, controller.signal]) : controller.signal;
    const response = await slotted(input, { ...init, signal });
    lastResponse = { status: response.status, headers: response.headers };
    return response;
  }) as typeof fetch;
  let outcome: AttemptOutcome<T>;
  try {
    outcome = { ok: true, value: await raceAbort(run({ number, signal: controller.signal, fetch: attemptFetch }), controller.signal) };
  } catch (error) {
    const failure = classifyError({ error, timedOut, timeoutMs: options.timeoutMs, cancelled: !timedOut && context.signal?.aborted === true, lastResponse });
    outcome = { ok: false, failure };
  } finally {
    clearTimeout(timer);
    context.signal?.removeEventListener("abort", onCancel);
  }
  if (outcome.ok) await releaseLease(options, lease, { ok: true, tokens: options.tokensUsed?.(outcome.value) });
  else await releaseLease(options, lease, { ok: false, rateLimited: outcome.failure.status === 429, retryAfterMs: outcome.failure.retryAfterMs });
  return outcome;
}

/** A client that ignores the signal must not outlive the timeout: race it against the abort. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

async function acquireLease(options: LeaseOptions): Promise<RateLimitLease | undefined> {
  const limiter = options.context.services.rateLimiter;
  if (!limiter || !options.rateLimit) return undefined;
  const { key, limits, tokens } = options.rateLimit;
  try {
    return await limiter.acquire(key, { tokens, limits });
  } catch (error) {
    // No lease within the wait the client allows is the limiter's answer, not an outage: calling
    // anyway would break the deployment-wide limit, so the call fails (its row gets a null).
    if (error instanceof DistilflareError && error.code === "rate_limited") throw error;
    // The limiter is a throttle, not a gate: when it is unreachable the provider's own 429s still protect us.
    options.context.logger.warn(`${options.label}: rate limiter unavailable (${describeError(error)}); calling without a lease`);
    return undefined;
  }
}

async function releaseLease(options: LeaseOptions, lease: RateLimitLease | undefined, outcome: Parameters<RateLimitLease["release"]>[0]): Promise<void> {
  if (!lease) return;
  try {
    await lease.release(outcome);
  } catch (error) {
    options.context.logger.warn(`${options.label}: releasing the rate-limit lease failed: ${describeError(error)}`);
  }
}

function statusSuffix(failure: CallFailure): string {
  return failure.status !== undefined ? ` (HTTP ${failure.status})` : "";
}

function finalError(message: string, failure: CallFailure, attempts: number): DistilflareError {
  return new DistilflareError(failure.status === 429 ? "rate_limited" : "llm_failed", message, {
    status: failure.status ?? null,
    attempts,
    retryable: failure.retryable,
  });
}

function cancelledError(label: string, reason: unknown): DistilflareError {
  return new DistilflareError("llm_failed", `${label} was cancelled: ${describeError(reason ?? "run stopped")}`, { cancelled: true });
}

type LeaseOptions = Pick<ReliableCallOptions<never>, "context" | "label" | "rateLimit">;
