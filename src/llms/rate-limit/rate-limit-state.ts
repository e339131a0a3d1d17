import { z } from "zod";

/** Limits as callers send them (camelCase: DO RPC is TypeScript to TypeScript). */
export const rateLimitsRequestSchema = z
  .object({
    requestsPerMinute: z.number().positive().optional(),
    tokensPerMinute: z.number().positive().optional(),
    maxInFlight: z.number().int().positive().optional(),
  })
  .strict();

const bucketSchema = z.object({
  /** Available units; negative while reservations are being paid back. */
  level: z.number(),
  /** When `level` was computed; in the future while a `Retry-After` pause holds refills back. */
  at: z.number(),
});

const leaseSchema = z.object({
  tokens: z.number(),
  startsAt: z.number(),
  /** A lease nobody releases (a crashed isolate) stops counting after this. */
  expiresAt: z.number(),
});

/** The limiter's whole state for one (provider, model) key: plain JSON, stored as one value. */
export const rateLimiterStateSchema = z.object({
  limits: rateLimitsRequestSchema,
  requests: bucketSchema.nullable(),
  tokens: bucketSchema.nullable(),
  /** The AIMD factor in (0, 1] applied to every configured limit. */
  allowance: z.number(),
  successStreak: z.number().int(),
  /** When the allowance was last cut; null before the first 429. */
  lastDecreaseAt: z.number().nullable(),
  pausedUntil: z.number(),
  /** Leases outstanding at the first 429 when no max_in_flight is configured: the base of the adaptive cap. */
  inFlightBase: z.number().int().nullable(),
  leases: z.record(z.string(), leaseSchema),
  nextLeaseId: z.number().int(),
  granted: z.number().int(),
  rateLimited: z.number().int(),
});

export type RateLimiterState = z.infer<typeof rateLimiterStateSchema>;
export type RateLimitsRequest = z.infer<typeof rateLimitsRequestSchema>;

export const acquireRequestSchema = z
  .object({
    /** Estimated tokens of the call. */
    tokens: z.number().min(0).default(0),
    limits: rateLimitsRequestSchema.default({}),
    /** How long the lease may stay unreleased before it stops counting. */
    ttlMs: z.number().int().positive().optional(),
  })
  .strict();

export const releaseOutcomeSchema = z
  .object({
    ok: z.boolean(),
    rateLimited: z.boolean().optional(),
    retryAfterMs: z.number().min(0).optional(),
    /** Tokens the call really used (replaces the estimate). */
    tokens: z.number().min(0).optional(),
    /**
     * Calls the caller had in flight without leases (it skips the limiter while a key has no
     * limits and no 429, see `DurableObjectRateLimiterClient`): on a 429 they count towards the
     * base of the adaptive in-flight cap, as leases would have.
     */
    inFlight: z.number().int().min(0).optional(),
  })
  .strict();

export const releaseRequestSchema = z.object({ leaseId: z.string(), outcome: releaseOutcomeSchema }).strict();

export type AcquireRequest = z.input<typeof acquireRequestSchema>;
export type ReleaseRequest = z.input<typeof releaseRequestSchema>;
export type ReleaseOutcome = z.infer<typeof releaseOutcomeSchema>;

/** A lease, possibly to be used only after `waitMs`; or no lease yet, ask again after `waitMs`. */
export type AcquireDecision = { leaseId: string; waitMs: number } | { leaseId: null; waitMs: number };

/** What DO RPC methods return: RPC drops custom error properties, so failures are data. */
export type RpcResult<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

export function initialRateLimiterState(): RateLimiterState {
  return {
    limits: {},
    requests: null,
    tokens: null,
    allowance: 1,
    successStreak: 0,
    lastDecreaseAt: null,
    pausedUntil: 0,
    inFlightBase: null,
    leases: {},
    nextLeaseId: 1,
    granted: 0,
    rateLimited: 0,
  };
}
