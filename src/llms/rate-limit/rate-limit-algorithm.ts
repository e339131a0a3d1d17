import type { AcquireDecision, RateLimiterState, RateLimitsRequest, ReleaseOutcome } from "./rate-limit-state.js";

/**
 * Tuning of the limiter. The burst: each token bucket holds `burstMs` worth of its (current)
 * rate, at least one request, so in any window of T ms at most `rate * T / 60000 + burst`
 * requests start; with the default 10 s burst and 60 requests/min that is 70 in any minute.
 */
export const RATE_LIMIT_TUNING = {
  burstMs: 10_000,
  /** Multiplicative decrease of the allowance on a 429. */
  decreaseFactor: 0.5,
  minAllowance: 1 / 16,
  /** Additive increase after `successesPerIncrease` successes in a row. */
  increaseStep: 0.1,
  successesPerIncrease: 5,
  /** 429s of calls that were already in flight together count as one congestion signal. */
  decreaseCooldownMs: 1_000,
  /** Reservations further out than this are refused (ask again later): bounds capacity lost to callers that vanish. */
  maxReserveMs: 60_000,
  /** How long to wait before asking again when every in-flight slot is taken. */
  pollMs: 250,
  defaultLeaseTtlMs: 10 * 60_000,
} as const;

/** The configured limits scaled by the AIMD allowance; an adaptive in-flight cap once 429s came without one. */
export function effectiveLimits(state: RateLimiterState) {
  const { limits, allowance } = state;
  const inFlightBase = limits.maxInFlight ?? state.inFlightBase ?? undefined;
  return {
    requestsPerMinute: limits.requestsPerMinute !== undefined ? limits.requestsPerMinute * allowance : undefined,
    tokensPerMinute: limits.tokensPerMinute !== undefined ? limits.tokensPerMinute * allowance : undefined,
    maxInFlight: inFlightBase !== undefined ? Math.max(1, Math.floor(inFlightBase * allowance)) : undefined,
  };
}

/** Refills a bucket to `now` and plans taking `cost` from it (reservation: the level may go negative). */
function planBucket(bucket: { level: number; at: number } | null, perMinute: number, cost: number, now: number) {
  const rate = perMinute / 60_000;
  const capacity = Math.max(1, perMinute * (RATE_LIMIT_TUNING.burstMs / 60_000));
  let level = bucket?.level ?? capacity;
  let at = bucket?.at ?? now;
  if (now > at) {
    level = Math.min(capacity, level + rate * (now - at));
    at = now;
  }
  level = Math.min(level, capacity);
  // A call larger than the whole burst would never fit: it takes the full bucket instead.
  const take = Math.min(cost, capacity);
  const after = level - take;
  const readyAt = after >= 0 ? Math.max(now, at) : at + -after / rate;
  return { level: after, at, readyAt, taken: take };
}

function pruneExpired(state: RateLimiterState, now: number): void {
  for (const [id, lease] of Object.entries(state.leases)) if (lease.expiresAt <= now) delete state.leases[id];
}

/**
 * Asks for a lease (mutates `state`). Grants are reservations: the lease comes with the time to
 * wait before using it, so waiting callers are served in order without asking again. No lease
 * (`leaseId: null`) when the in-flight cap is reached or the wait would exceed `maxReserveMs`.
 */
export function acquireLease(
  state: RateLimiterState,
  request: { tokens: number; limits: RateLimitsRequest; ttlMs?: number | undefined },
  now: number,
): AcquireDecision {
  pruneExpired(state, now);
  state.limits = request.limits;
  if (request.limits.requestsPerMinute === undefined) state.requests = null;
  if (request.limits.tokensPerMinute === undefined) state.tokens = null;
  const limits = effectiveLimits(state);

  const outstanding = Object.values(state.leases);
  if (limits.maxInFlight !== undefined && outstanding.length >= limits.maxInFlight) {
    const soonest = Math.min(...outstanding.map((lease) => lease.expiresAt));
    return { leaseId: null, waitMs: Math.max(1, Math.min(RATE_LIMIT_TUNING.pollMs, soonest - now)) };
  }

  const requestsPlan = limits.requestsPerMinute !== undefined ? planBucket(state.requests, limits.requestsPerMinute, 1, now) : undefined;
  const tokensPlan = limits.tokensPerMinute !== undefined ? planBucket(state.tokens, limits.tokensPerMinute, request.tokens, now) : undefined;
  const startsAt = Math.max(now, state.pausedUntil, requestsPlan?.readyAt ?? now, tokensPlan?.readyAt ?? now);
  const waitMs = Math.ceil(startsAt - now);
  if (waitMs > RATE_LIMIT_TUNING.maxReserveMs) {
    return { leaseId: null, waitMs: Math.max(RATE_LIMIT_TUNING.pollMs, waitMs - RATE_LIMIT_TUNING.maxReserveMs) };
  }

  if (requestsPlan) state.requests = { level: requestsPlan.level, at: requestsPlan.at };
  if (tokensPlan) state.tokens = { level: tokensPlan.level, at: tokensPlan.at };
  const leaseId = String(state.nextLeaseId++);
  const ttl = request.ttlMs ?? RATE_LIMIT_TUNING.defaultLeaseTtlMs;
  state.leases[leaseId] = { tokens: tokensPlan?.taken ?? request.tokens, startsAt, expiresAt: startsAt + ttl };
  state.granted++;
  return { leaseId, waitMs };
}

/** Ends a lease (mutates `state`) and adapts: 429 cuts the allowance and pauses, successes grow it back. */
export function releaseLease(state: RateLimiterState, leaseId: string, outcome: ReleaseOutcome, now: number): { released: boolean } {
  const lease = state.leases[leaseId];
  const inFlight = Math.max(Object.keys(state.leases).length, outcome.inFlight ?? 0);
  delete state.leases[leaseId];
  if (lease && outcome.tokens !== undefined && state.tokens) {
    // Settle the estimate against what the provider really counted (may overdraw: later grants wait).
    const capacity = Math.max(1, (effectiveLimits(state).tokensPerMinute ?? 0) * (RATE_LIMIT_TUNING.burstMs / 60_000));
    state.tokens.level = Math.min(capacity, state.tokens.level + lease.tokens - outcome.tokens);
  }
  if (outcome.rateLimited) onRateLimited(state, { inFlight, retryAfterMs: outcome.retryAfterMs, now });
  else if (outcome.ok) onSuccess(state);
  return { released: lease !== undefined };
}

function onRateLimited(state: RateLimiterState, signal: { inFlight: number; retryAfterMs: number | undefined; now: number }): void {
  const { now } = signal;
  // Bring the buckets up to now at the old rate before the rate changes.
  const before = effectiveLimits(state);
  if (state.requests && before.requestsPerMinute !== undefined) state.requests = refilled(state.requests, before.requestsPerMinute, now);
  if (state.tokens && before.tokensPerMinute !== undefined) state.tokens = refilled(state.tokens, before.tokensPerMinute, now);
  state.rateLimited++;
  state.successStreak = 0;
  if (state.lastDecreaseAt === null || now - state.lastDecreaseAt >= RATE_LIMIT_TUNING.decreaseCooldownMs) {
    if (state.limits.maxInFlight === undefined && state.inFlightBase === null) state.inFlightBase = Math.max(1, signal.inFlight);
    state.allowance = Math.max(RATE_LIMIT_TUNING.minAllowance, state.allowance * RATE_LIMIT_TUNING.decreaseFactor);
    state.lastDecreaseAt = now;
  }
  if (signal.retryAfterMs !== undefined) state.pausedUntil = Math.max(state.pausedUntil, now + signal.retryAfterMs);
  // No burst right after a 429: the buckets start empty, and refill only once the pause is over.
  for (const bucket of [state.requests, state.tokens]) {
    if (!bucket) continue;
    bucket.level = Math.min(bucket.level, 0);
    bucket.at = Math.max(bucket.at, state.pausedUntil, now);
  }
}

function refilled(bucket: { level: number; at: number }, perMinute: number, now: number): { level: number; at: number } {
  const plan = planBucket(bucket, perMinute, 0, now);
  return { level: plan.level, at: plan.at };
}

function onSuccess(state: RateLimiterState): void {
  state.successStreak++;
  if (state.successStreak < RATE_LIMIT_TUNING.successesPerIncrease) return;
  state.successStreak = 0;
  if (state.allowance >= 1) return;
  // Rounded: 0.5 plus five steps of 0.1 is 0.9999999999999999 in floating point, which would
  // leave the allowance short of 1 and a derived in-flight cap one below its base.
  state.allowance = Math.min(1, Math.round((state.allowance + RATE_LIMIT_TUNING.increaseStep) * 1e9) / 1e9);
  if (state.allowance >= 1) state.inFlightBase = null;
}
