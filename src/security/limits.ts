/**
 * The bounds on what a pipeline may ask for (SECURITY.md). Each is enforced by a zod `.max()`
 * on the attribute or a budget, so an oversized request is a 4xx naming the field, never a
 * Worker that runs out of memory or time.
 */
export const LIMITS = {
  /** Steps in one pipeline. */
  steps: 256,
  /** Characters in a step name (it becomes part of storage keys and column names). */
  stepName: 128,
  /** Rows in one batch (`batch_size`, `input_batch_size`): a batch must fit one Worker's memory. */
  batchSize: 10_000,
  /** Generations per input (`num_generations`). */
  numGenerations: 64,
  /** Batches of one step at once (`resources.replicas`). */
  replicas: 256,
  /** Retries of one LLM call (`max_retries`). */
  maxRetries: 20,
  /** Seconds one LLM call may take (`timeout`): a queue consumer runs 15 minutes at most. */
  timeoutSeconds: 900,
  /** Bytes of a YAML pipeline once its aliases are expanded, at most this many times its text... */
  yamlExpansionFactor: 10,
  /** ...and never more than this (the request body limit). */
  yamlExpandedBytes: 10 * 1024 * 1024,
} as const;
