/**
 * distilflare's public API: build pipelines, run them in-process or on Workers, extend them.
 * The Worker side (Durable Objects, queue consumers, `createWorker`) is exported from
 * `worker/create-worker.ts` and `durable-objects/index.ts`.
 */
export * from "./errors.js";
export type { Row, StepColumns } from "./core/row.js";
export { DISTILABEL_METADATA_KEY } from "./core/row.js";

export { attribute, runtimeParameter, secretAttribute } from "./components/attributes.js";
export { Component, type RuntimeParameterInfo } from "./components/component.js";
export { Registry } from "./components/registry.js";
export { createDefaultRegistry } from "./default-registry.js";

export { Pipeline, type PipelineOptions, type RuntimeParameters } from "./pipeline/pipeline.js";
export { chain, type ChainLink } from "./pipeline/chain.js";
export {
  defineRoutingBatchFunction,
  sampleNSteps,
  type RoutingBatchFunction,
  type RoutingContext,
} from "./pipeline/routing-batch-function.js";
export {
  dumpPipeline,
  loadPipeline,
  pipelineToJson,
  pipelineToYaml,
  pipelineFromJson,
  pipelineFromYaml,
} from "./pipeline/serialize.js";
export type { LoadGroups } from "./pipeline/load-stages.js";

export {
  BaseStep,
  Step,
  GlobalStep,
  GeneratorStep,
  stepAttributes,
  generatorStepAttributes,
  type StepOptions,
  type GeneratorOutput,
} from "./steps/base-step.js";
export { defineStep } from "./steps/step-factory.js";
export { Semaphore, mapConcurrent, type StepContext, type StepServices, type Logger } from "./steps/step-context.js";
export * from "./steps/builtin/index.js";

export * from "./tasks/index.js";
export * from "./llms/index.js";
export { renderTemplate, compileTemplate, templateVariables } from "./templates/render.js";

export {
  RunNotSucceededError,
  runInProcess,
  type InProcessRunOptions,
  type InProcessRunResult,
} from "./executor/in-process-executor.js";
export { MemoryRunCache, type RunCache } from "./executor/run-cache.js";
export type { RunOptions } from "./runtime/prepare-run.js";
export { MemoryBlobStore, type BlobStore } from "./runtime/blob-store.js";
export type { PipelineCatalog, RegisteredPipeline, Schedule } from "./runtime/pipeline-catalog.js";

export { Distiset } from "./distiset/distiset.js";
export { readParquetRows, writeParquet, inferSchema } from "./distiset/parquet/index.js";
export { createApi } from "./api/app.js";
