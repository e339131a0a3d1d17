import { DurableObjectRateLimiterClient, type RateLimiterStub } from "../src/llms/rate-limit/durable-object-client.js";
import { Semaphore, type StepServices } from "../src/steps/step-context.js";
import { R2BlobStore } from "../worker/r2-blob-store.js";

/** Workers allow 6 simultaneous outgoing connections per invocation. */
export const CONNECTIONS_PER_INVOCATION = 6;

/**
 * What steps get on Workers: secrets and bindings from `env`, R2 as the blob store, the
 * deployment-wide rate limiter, and one connection semaphore per invocation.
 */
export function workerServices(env: Env, slots: Semaphore = new Semaphore(CONNECTIONS_PER_INVOCATION)): StepServices {
  const record = env as unknown as Record<string, unknown>;
  const limiter = env.RATE_LIMITER;
  return {
    secret: (name) => (typeof record[name] === "string" ? (record[name] as string) : undefined),
    binding: (name) => record[name],
    fetch: (input, init) => fetch(input, init),
    blobs: new R2BlobStore(env.DATA),
    rateLimiter: limiter
      ? new DurableObjectRateLimiterClient({ stubFor: (key) => limiter.get(limiter.idFromName(key)) as unknown as RateLimiterStub })
      : undefined,
    connectionSlots: slots,
  };
}
