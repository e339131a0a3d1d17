import { DurableObjectRateLimiterClient, type RateLimiterStub } from "../src/llms/rate-limit/durable-object-client.js";
import { guardFetch } from "../src/security/egress-guard.js";
import { readablePrefixes, READABLE_PREFIXES_VARIABLE, ScopedBlobStore } from "../src/security/scoped-blob-store.js";
import { SecretPolicy } from "../src/security/secret-policy.js";
import { Semaphore, type StepServices } from "../src/steps/step-context.js";
import { R2BlobStore } from "./r2-blob-store.js";

/** Workers allow 6 simultaneous outgoing connections per invocation. */
export const CONNECTIONS_PER_INVOCATION = 6;

/** The runtime's own bindings: a step holding one could rewrite runs or read every object. */
const INTERNAL_BINDINGS = new Set(["DATA", "PIPELINE_RUN", "RUN_INDEX", "RATE_LIMITER", "STEP_QUEUE", "CONTROL_QUEUE"]);

/** The owner's egress rules, from the Worker's variables and secrets. */
export function secretPolicyOf(env: Env): SecretPolicy {
  const record = env as unknown as Record<string, unknown>;
  return new SecretPolicy((name) => (typeof record[name] === "string" ? (record[name] as string) : undefined));
}

/**
 * What steps get on Workers: the provider keys the owner declared (never API_TOKEN or other
 * variables), service bindings such as `AI` (never the runtime's own), a fetch that enforces the
 * owner's egress rules, R2 limited to the readable prefixes, the deployment-wide rate limiter, and one
 * connection semaphore per invocation.
 */
export function workerServices(env: Env, slots: Semaphore = new Semaphore(CONNECTIONS_PER_INVOCATION)): StepServices {
  const record = env as unknown as Record<string, unknown>;
  const limiter = env.RATE_LIMITER;
  const policy = secretPolicyOf(env);
  return {
    secret: (name) => (policy.isReadableBySteps(name) && typeof record[name] === "string" ? (record[name] as string) : undefined),
    binding: (name) => (INTERNAL_BINDINGS.has(name) || typeof record[name] !== "object" ? undefined : record[name]),
    fetch: guardFetch((input, init) => fetch(input, init), policy),
    blobs: new ScopedBlobStore(new R2BlobStore(env.DATA), readablePrefixes(typeof record[READABLE_PREFIXES_VARIABLE] === "string" ? (record[READABLE_PREFIXES_VARIABLE] as string) : undefined)),
    rateLimiter: limiter
      ? new DurableObjectRateLimiterClient({ stubFor: (key) => limiter.get(limiter.idFromName(key)) as unknown as RateLimiterStub })
      : undefined,
    connectionSlots: slots,
    egressPolicy: policy,
  };
}
