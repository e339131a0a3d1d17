import { createWorker } from "./create-worker.js";
import { examplePipelines, exampleSchedules } from "./example-pipelines.js";

export { PipelineRun } from "../durable-objects/pipeline-run.js";
export { RunIndex } from "../durable-objects/run-index.js";
export { LlmRateLimiter } from "../durable-objects/llm-rate-limiter.js";

/** This repository's own Worker: the first user of `createWorker`, with the example pipelines. */
export default createWorker({ pipelines: examplePipelines, schedules: exampleSchedules });
