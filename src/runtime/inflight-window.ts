import { DEFAULT_MAX_INFLIGHT_PER_STEP } from "../engine/run-plan.js";
import { LLM } from "../llms/llm.js";
import type { Pipeline } from "../pipeline/pipeline.js";

/** Calls in flight an LLM step aims for when its `rate_limits` set no `max_in_flight`: what a script with p-limit(64) keeps. */
export const DEFAULT_TARGET_CALLS_IN_FLIGHT = 64;

/**
 * The batches of one LLM step that may be in flight at once, from its LLM's concurrency: enough
 * batches to keep the target number of calls running (`rate_limits.max_in_flight`, else the
 * larger of `max_concurrent_requests` and 64), twice over, so the next batch's calls start while
 * the previous batch's slowest calls finish. A batch runs at most
 * min(rows x generations, max_concurrent_requests) calls. Never below `floor` (the run's window).
 */
export function llmStepWindow(options: {
  inputBatchSize: number;
  numGenerations: number;
  maxConcurrentRequests: number;
  maxInFlight: number | undefined;
  floor: number;
}): number {
  const callsPerBatch = Math.max(1, Math.min(options.inputBatchSize * options.numGenerations, options.maxConcurrentRequests));
  const target = options.maxInFlight ?? Math.max(options.maxConcurrentRequests, DEFAULT_TARGET_CALLS_IN_FLIGHT);
  return Math.max(options.floor, Math.ceil((2 * target) / callsPerBatch));
}

/** Step name -> in-flight window for every step that calls an LLM (other steps keep the run's window). */
export function llmStepWindows(pipeline: Pipeline, floor: number = DEFAULT_MAX_INFLIGHT_PER_STEP): Record<string, number> {
  const windows: Record<string, number> = {};
  for (const step of pipeline.steps) {
    const llm = (step as { llm?: unknown }).llm;
    if (!(llm instanceof LLM)) continue;
    const attrs = step.attrs as { inputBatchSize?: number; batchSize?: number; numGenerations?: number };
    const limits = (llm.attrs as { rateLimits?: { max_in_flight?: number } }).rateLimits;
    windows[step.name] = llmStepWindow({
      inputBatchSize: attrs.inputBatchSize ?? attrs.batchSize ?? 50,
      numGenerations: attrs.numGenerations ?? 1,
      maxConcurrentRequests: llm.maxConcurrentRequests,
      maxInFlight: limits?.max_in_flight,
      floor,
    });
  }
  return windows;
}
