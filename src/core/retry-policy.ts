/**
 * The project's one retry policy: exponential backoff from `baseDelayMs`, doubling each attempt
 * up to `maxDelayMs`. Each caller keeps its own numbers (LLM calls, step batches, queue
 * redeliveries, offline batch polls); only the arithmetic is shared.
 */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * `full`: uniform in [0, delay) (spreads many callers that failed together, the OpenAI SDK's
   * choice); `half`: uniform in [delay/2, delay); `none`: the delay itself (absent: `half`).
   */
  jitter?: "full" | "half" | "none" | undefined;
}

/** The delay before retry number `retry` (0 for the first retry). */
export function retryDelayMs(policy: Omit<RetryPolicy, "attempts">, retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  switch (policy.jitter ?? "half") {
    case "full":
      return Math.floor(random() * ceiling);
    case "none":
      return ceiling;
    case "half":
      return ceiling * (0.5 + random() / 2);
  }
}

/** A failing step batch: three attempts, 1 s doubling to 30 s, then it is imputed or fails the run. */
export const STEP_BATCH_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 1_000, maxDelayMs: 30_000, jitter: "half" };

/** A work message whose consumer failed: redelivered after 1 s doubling to a minute (the queue counts attempts). */
export const QUEUE_RETRY: Omit<RetryPolicy, "attempts"> = { baseDelayMs: 1_000, maxDelayMs: 60_000, jitter: "none" };
