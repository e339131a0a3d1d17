import { describe, expect, it } from "vitest";
import { QUEUE_RETRY, retryDelayMs, STEP_BATCH_RETRY } from "../../../src/core/retry-policy.js";

describe("retryDelayMs", () => {
  it("doubles from the base up to the cap without jitter", () => {
    expect([0, 1, 2, 3].map((retry) => retryDelayMs({ baseDelayMs: 100, maxDelayMs: 500, jitter: "none" }, retry))).toEqual([100, 200, 400, 500]);
  });

  it("spreads full jitter over [0, delay) and half jitter over [delay/2, delay)", () => {
    const policy = { baseDelayMs: 1_000, maxDelayMs: 10_000 };
    expect(retryDelayMs({ ...policy, jitter: "full" }, 1, () => 0)).toBe(0);
    expect(retryDelayMs({ ...policy, jitter: "full" }, 1, () => 0.5)).toBe(1_000);
    expect(retryDelayMs({ ...policy, jitter: "half" }, 1, () => 0)).toBe(1_000);
    expect(retryDelayMs(policy, 1, () => 1)).toBe(2_000);
  });

  it("keeps the queue's redelivery delays: 2^attempts seconds, a minute at most", () => {
    expect([1, 2, 5, 6, 7, 2_000].map((attempts) => retryDelayMs(QUEUE_RETRY, attempts) / 1000)).toEqual([2, 4, 32, 60, 60, 60]);
  });

  it("keeps the step batches' three attempts from one second to thirty", () => {
    expect(STEP_BATCH_RETRY.attempts).toBe(3);
    expect(retryDelayMs(STEP_BATCH_RETRY, 0, () => 1)).toBe(1_000);
    expect(retryDelayMs(STEP_BATCH_RETRY, 9, () => 1)).toBe(30_000);
  });
});
