import { retryDelayMs } from "../../core/retry-policy.js";

/** Timing of retries; the defaults follow the OpenAI SDK (0.5 s doubling to 8 s). */
export interface RetryTiming {
  /** Upper bound of the first backoff; doubles each attempt. */
  initialDelayMs: number;
  /** Cap of the exponential backoff. */
  maxDelayMs: number;
  /** A longer `Retry-After` is cut to this, so one header cannot park a consumer for its whole wall time. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_TIMING: RetryTiming = { initialDelayMs: 500, maxDelayMs: 8_000, maxRetryAfterMs: 60_000 };

/**
 * Exponential backoff with full jitter: a uniform delay in [0, min(cap, initial * 2^attempt)).
 * Full jitter spreads the retries of many callers that failed together.
 */
export function backoffDelayMs(attempt: number, timing: RetryTiming, random: () => number = Math.random): number {
  return retryDelayMs({ baseDelayMs: timing.initialDelayMs, maxDelayMs: timing.maxDelayMs, jitter: "full" }, attempt, random);
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
