/**
 * `distilflare/worker`: what a user's own Worker needs. Re-export the Durable Object classes
 * from the Worker's entry module next to the `createWorker` default export.
 */
export { createWorker, type WorkerOptions } from "./create-worker.js";
export { PipelineRun, RunIndex, LlmRateLimiter } from "../durable-objects/index.js";
export { CloudflareRunService } from "./cloudflare-run-service.js";
export { R2BlobStore } from "../bindings/r2-blob-store.js";
