import { z } from "zod";
import { runtimeParameter } from "../../components/attributes.js";
import { LIMITS } from "../../security/limits.js";

/**
 * `max_retries` and `timeout` (seconds), runtime parameters as in distilabel's API-backed LLMs.
 * Left out of the signature: how patiently we call does not change what the model answers.
 */
export function reliabilityAttributes(defaults: { maxRetries: number; timeout: number }) {
  return {
    maxRetries: runtimeParameter(
      z.number().int().min(0).max(LIMITS.maxRetries).default(defaults.maxRetries),
      "The maximum number of times to retry the request to the API before failing.",
      { excludeFromSignature: true },
    ),
    timeout: runtimeParameter(
      z.number().positive().max(LIMITS.timeoutSeconds).default(defaults.timeout),
      "The maximum time in seconds to wait for a response from the API.",
      { excludeFromSignature: true },
    ),
  };
}
