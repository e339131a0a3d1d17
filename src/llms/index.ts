import type { ComponentClass } from "../components/component.js";
import { OpenAIEmbeddings } from "./embeddings/openai-embeddings.js";
import { WorkersAIEmbeddings } from "./embeddings/workers-ai-embeddings.js";
import { AnthropicLLM } from "./providers/anthropic-llm.js";
import { AzureOpenAILLM } from "./providers/azure-openai-llm.js";
import { InferenceEndpointsLLM } from "./providers/inference-endpoints-llm.js";
import { MixtureOfAgentsLLM } from "./providers/mixture-of-agents-llm.js";
import { OpenAILLM } from "./providers/openai-llm.js";
import { WorkersAILLM } from "./providers/workers-ai-llm.js";

export { LLM, Embeddings, llmAttributes, rateLimitsSchema, type GenerateOptions, type LLMClass } from "./llm.js";
export * from "./types.js";

export { RemoteLLM, toRateLimits } from "./remote-llm.js";
export { OfflineBatchPendingError, offlineBatchJobSchema, type OfflineBatchJob } from "./offline-batch/offline-batch-job.js";
export { OpenAILLM, openaiLlmAttributes, type OpenAILLMOptions } from "./providers/openai-llm.js";
export { openaiGenerationKwargsSchema, type OpenAIGenerationKwargs } from "./providers/generation-kwargs.js";
export { AzureOpenAILLM, azureOpenaiLlmAttributes, type AzureOpenAILLMOptions } from "./providers/azure-openai-llm.js";
export { InferenceEndpointsLLM, inferenceEndpointsLlmAttributes, type InferenceEndpointsLLMOptions } from "./providers/inference-endpoints-llm.js";
export { AnthropicLLM, anthropicLlmAttributes, type AnthropicLLMOptions } from "./providers/anthropic-llm.js";
export { WorkersAILLM, workersAiLlmAttributes, type WorkersAILLMOptions } from "./providers/workers-ai-llm.js";
export { MixtureOfAgentsLLM, mixtureOfAgentsLlmAttributes, type MixtureOfAgentsLLMOptions } from "./providers/mixture-of-agents-llm.js";
export { OpenAIEmbeddings, type OpenAIEmbeddingsOptions } from "./embeddings/openai-embeddings.js";
export { WorkersAIEmbeddings, type WorkersAIEmbeddingsOptions } from "./embeddings/workers-ai-embeddings.js";
export type { WorkersAIBinding } from "./workers-ai-binding.js";

export { reliableCall, type Attempt, type ReliableCallOptions, type RateLimitRequest } from "./reliability/reliable-call.js";
export { DEFAULT_RETRY_TIMING, type RetryTiming } from "./reliability/backoff.js";
export { parseRetryAfterMs } from "./reliability/retry-after.js";
export { ProviderHttpError } from "./reliability/provider-http-error.js";
export { checkStructuredReply, compileJsonSchema } from "./structured/json-schema-validator.js";

export { LocalRateLimiter, type LimiterClock } from "./rate-limit/local-rate-limiter.js";
export { DurableObjectRateLimiterClient, type RateLimiterStub, type DurableObjectRateLimiterClientOptions } from "./rate-limit/durable-object-client.js";
export { RateLimiterService, type StateStorage } from "./rate-limit/rate-limiter-service.js";
export { RATE_LIMIT_TUNING, acquireLease, releaseLease, effectiveLimits } from "./rate-limit/rate-limit-algorithm.js";
export type { AcquireDecision, AcquireRequest, ReleaseRequest, RateLimiterState, RpcResult } from "./rate-limit/rate-limit-state.js";

/** Every built-in LLM and embeddings class, for the default registry. */
export const BUILTIN_LLMS: ComponentClass[] = [
  OpenAILLM,
  AzureOpenAILLM,
  InferenceEndpointsLLM,
  AnthropicLLM,
  WorkersAILLM,
  MixtureOfAgentsLLM,
  OpenAIEmbeddings,
  WorkersAIEmbeddings,
];
