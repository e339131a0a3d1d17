/** The Durable Object classes a Worker built with `createWorker` must re-export. */
export { PipelineRun } from "./pipeline-run.js";
export { RunIndex } from "./run-index.js";
export { LlmRateLimiter } from "./llm-rate-limiter.js";
