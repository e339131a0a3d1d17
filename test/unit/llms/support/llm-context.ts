import { BufferLogger, defaultServices, Semaphore, type StepContext, type StepServices } from "../../../../src/steps/step-context.js";
import { testContext } from "../../../support/test-context.js";

/** A step context whose secrets come from `secrets` (never the real environment). */
export function llmContext(
  options: { secrets?: Record<string, string>; services?: Partial<StepServices>; signal?: AbortSignal } = {},
): StepContext & { logger: BufferLogger } {
  const secrets = options.secrets ?? {};
  const logger = new BufferLogger("");
  return {
    ...testContext({ logger, signal: options.signal }),
    logger,
    services: defaultServices({ secret: (name) => secrets[name], connectionSlots: new Semaphore(6), ...options.services }),
  };
}

/** Backoff short enough for tests; the algorithm is the production one. */
export const FAST_RETRIES = { initialDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 5_000 };
