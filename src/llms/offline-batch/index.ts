export { offlineBatchJobSchema, OfflineBatchPendingError, type OfflineBatchJob } from "./offline-batch-job.js";
export { openaiOfflineBatchGenerate, type OpenAIBatchDriver } from "./openai-offline-batch.js";
export { BATCH_PRICE_FACTOR, BATCH_PROVIDER_SUFFIX, batchUsageProvider } from "./batch-usage.js";
