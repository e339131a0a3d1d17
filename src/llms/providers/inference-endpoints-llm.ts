import { InferenceClient } from "@huggingface/inference";
import { z } from "zod";
import { attribute, runtimeParameter } from "../../components/attributes.js";
import { OptionError } from "../../errors.js";
import type { EgressTarget } from "../../security/egress-target.js";
import type { StepContext, StepServices } from "../../steps/step-context.js";
import { apiKeyAttributes, keyVariable, resolveApiKey } from "../api-key.js";
import { assembleOutput, fanOut, type CallResult } from "../assemble-output.js";
import { estimateTokens } from "../chat-text.js";
import { llmAttributes, type GenerateOptions } from "../llm.js";
import type { Attempt } from "../reliability/reliable-call.js";
import { reliabilityAttributes } from "../reliability/reliability-attributes.js";
import { hostOf, RemoteLLM } from "../remote-llm.js";
import { jsonSchemaOf } from "../structured/json-schema-validator.js";
import { splitFormattedInput, type ChatType, type FormattedInput, type GenerateOutput, type StructuredOutput } from "../types.js";
import { pickDefined, withoutUndefined } from "../defined-fields.js";
import { DEFAULT_MAX_NEW_TOKENS, inferenceEndpointsGenerationKwargsSchema, type InferenceEndpointsGenerationKwargs } from "./generation-kwargs.js";
import { HF_ORIGINS, redirectHuggingFace, resolveEndpointUrl } from "./hf-endpoint.js";
import { openaiResponseFormat } from "./openai-llm.js";
import { choicesResult, parseOpenAIResponse, reportedTotalTokens } from "./openai-response.js";

export const inferenceEndpointsLlmAttributes = llmAttributes.extend({
  modelId: attribute(z.string().min(1).optional(), "The model id on the Hugging Face Hub, served by Inference Providers (serverless)."),
  endpointName: attribute(z.string().min(1).optional(), "The name of a dedicated Inference Endpoint."),
  endpointNamespace: attribute(z.string().min(1).optional(), "The namespace (user or organization) of the Inference Endpoint; defaults to the token's owner."),
  baseUrl: runtimeParameter(z.url().optional(), "The base URL of a TGI or vLLM server (or any endpoint speaking the same API)."),
  provider: attribute(z.string().min(1).optional(), "The Inference Provider that serves model_id (default: `auto`)."),
  ...apiKeyAttributes("HF_TOKEN", "the Hugging Face token"),
  hfEndpoint: runtimeParameter(
    z.url().optional(),
    "Replaces the Hugging Face origins (Hub, router, Endpoints API), e.g. a mirror or proxy; defaults to the HF_ENDPOINT secret when set.",
  ),
  tokenizerId: attribute(z.string().min(1).optional(), "The tokenizer of the model (accepted for compatibility; token counts come from the API)."),
  modelDisplayName: attribute(z.string().min(1).optional(), "The model name written to `model_name`."),
  ...reliabilityAttributes({ maxRetries: 6, timeout: 120 }),
});

export type InferenceEndpointsLLMOptions = z.input<typeof inferenceEndpointsLlmAttributes>;

/**
 * Hugging Face inference through `@huggingface/inference` (distilabel's `InferenceEndpointsLLM`):
 * a Hub model on Inference Providers (`model_id`), a dedicated Inference Endpoint
 * (`endpoint_name`), or a TGI/vLLM server (`base_url`). Chats use chat completion, raw strings
 * text generation; several generations are separate calls (each with its own seed).
 *
 * @example
 * const llm = new InferenceEndpointsLLM({ modelId: "meta-llama/Llama-3.1-8B-Instruct" });
 */
export class InferenceEndpointsLLM extends RemoteLLM<typeof inferenceEndpointsLlmAttributes> {
  static override readonly typeName: string = "InferenceEndpointsLLM";
  static override readonly generationKwargsSchema = inferenceEndpointsGenerationKwargsSchema;
  static override readonly attributes = inferenceEndpointsLlmAttributes;

  private endpointUrlPromise: { key: string; url: Promise<string> } | undefined;

  constructor(options: InferenceEndpointsLLMOptions) {
    super(options);
    const { modelId, endpointName, baseUrl, endpointNamespace, provider } = this.attrs;
    const given = [modelId && "model_id", endpointName && "endpoint_name", baseUrl && "base_url"].filter(Boolean);
    if (given.length !== 1) {
      throw new OptionError(
        given.length === 0
          ? `${this.describeSelf()} needs one of model_id, endpoint_name or base_url`
          : `${this.describeSelf()} takes only one of model_id, endpoint_name or base_url (got ${given.join(", ")})`,
        { component: this.describeSelf(), field: "model_id", expected: "exactly one of model_id, endpoint_name, base_url" },
      );
    }
    if (endpointNamespace && !endpointName) {
      throw new OptionError(`${this.describeSelf()}: endpoint_namespace is only used with endpoint_name`, { field: "endpoint_namespace" });
    }
    if (provider && !modelId) {
      throw new OptionError(`${this.describeSelf()}: provider is only used with model_id`, { field: "provider" });
    }
  }

  override get modelName(): string {
    return this.attrs.modelDisplayName ?? this.attrs.modelId ?? this.attrs.endpointName ?? this.attrs.baseUrl ?? "unknown";
  }

  override egressTargets(services: Pick<StepServices, "secret">): EgressTarget[] {
    const key = keyVariable(this.attrs);
    if (this.attrs.baseUrl) return [{ url: this.attrs.baseUrl, keyVariable: key, field: "base_url" }];
    const endpoint = this.hfOrigin(services);
    if (endpoint) return [{ url: endpoint, keyVariable: key, field: "hf_endpoint" }];
    return HF_ORIGINS.map((url) => ({ url, keyVariable: key, field: "model_id" }));
  }

  protected rateLimitKey(): string {
    const target = this.attrs.modelId ?? `${this.attrs.endpointNamespace ?? ""}/${this.attrs.endpointName ?? ""}`;
    return `${this.typeName}|${hostOf(this.attrs.baseUrl ?? this.attrs.hfEndpoint)}|${this.attrs.baseUrl ? "server" : target}`;
  }

  /** A missing token fails here, before any row (a base_url server may need none). */
  override async load(context: StepContext): Promise<void> {
    this.token(context);
  }

  private token(context: StepContext): string | undefined {
    if (this.attrs.baseUrl) return this.attrs.apiKey ?? (context.services.secret(this.attrs.apiKeyEnv) || undefined);
    return resolveApiKey(context, this.attrs, this.describeSelf());
  }

  /** `hf_endpoint`, else the HF_ENDPOINT secret: where Hugging Face calls go instead of its own origins. */
  private hfOrigin(services: Pick<StepServices, "secret">): string | undefined {
    return this.attrs.hfEndpoint ?? (services.secret("HF_ENDPOINT") || undefined);
  }

  async generateOne(input: FormattedInput, options: GenerateOptions): Promise<GenerateOutput> {
    const { input: prompt, structuredOutput } = splitFormattedInput(input);
    const structured = structuredOutput ?? this.structuredOutput;
    const kwargs = inferenceEndpointsGenerationKwargsSchema.parse(this.generationKwargs);
    const { context, numGenerations } = options;
    const token = this.token(context);
    const endpointUrl = await this.endpointUrl(context, token);
    const client = new InferenceClient(token);
    const { results, errors } = await fanOut(numGenerations, () => {
      // Several generations of one input must differ: each call samples with its own seed.
      const seed = kwargs.seed ?? (numGenerations > 1 ? Math.floor(Math.random() * 2 ** 31) : undefined);
      const request = { client, endpointUrl, kwargs, seed, structured, context };
      return typeof prompt === "string" ? this.textGeneration(prompt, request) : this.chat(prompt, request);
    });
    return assembleOutput(results, { numGenerations, structured, wantLogprobs: kwargs.logprobs === true && typeof prompt !== "string", errors });
  }

  private target(endpointUrl: string | undefined): Record<string, unknown> {
    if (endpointUrl) return { endpointUrl };
    return { model: this.attrs.modelId, provider: this.attrs.provider ?? "auto" };
  }

  private clientOptions(attempt: Attempt, context: StepContext): { fetch: typeof fetch; signal: AbortSignal; retry_on_error: boolean } {
    // The client would retry 503s forever without pause; our layer retries instead.
    return { fetch: redirectHuggingFace(attempt.fetch, this.hfOrigin(context.services)), signal: attempt.signal, retry_on_error: false };
  }

  private async chat(prompt: ChatType, request: InferenceRequest): Promise<CallResult> {
    const { kwargs } = request;
    const maxTokens = kwargs.max_new_tokens ?? DEFAULT_MAX_NEW_TOKENS;
    const args = withoutUndefined({
      ...this.target(request.endpointUrl),
      messages: prompt,
      max_tokens: maxTokens,
      ...pickDefined(kwargs, ["temperature", "top_p", "frequency_penalty", "presence_penalty", "logprobs", "top_logprobs"]),
      stop: kwargs.stop_sequences,
      seed: request.seed,
      response_format: request.structured ? chatResponseFormat(request.structured) : undefined,
    });
    const raw = await this.call(
      request.context,
      { tokens: estimateTokens(prompt) + maxTokens, tokensUsed: reportedTotalTokens },
      (attempt) =>
        request.client.chatCompletion(
          args as unknown as Parameters<InferenceClient["chatCompletion"]>[0],
          this.clientOptions(attempt, request.context),
        ) as Promise<unknown>,
    );
    return choicesResult(parseOpenAIResponse(raw, "chat"), 1);
  }

  private async textGeneration(prompt: string, request: InferenceRequest): Promise<CallResult> {
    const { kwargs } = request;
    const maxTokens = kwargs.max_new_tokens ?? DEFAULT_MAX_NEW_TOKENS;
    const parameters = withoutUndefined({
      max_new_tokens: maxTokens,
      ...pickDefined(kwargs, ["temperature", "top_p", "top_k", "typical_p", "do_sample", "repetition_penalty", "frequency_penalty"]),
      ...pickDefined(kwargs, ["return_full_text", "watermark", "top_n_tokens"]),
      stop: kwargs.stop_sequences,
      seed: request.seed,
      grammar: request.structured ? grammarOf(request.structured) : undefined,
    });
    const args = { ...this.target(request.endpointUrl), inputs: prompt, parameters };
    const output = await this.call(request.context, { tokens: estimateTokens(prompt) + maxTokens }, (attempt) =>
      request.client.textGeneration(args as unknown as Parameters<InferenceClient["textGeneration"]>[0], this.clientOptions(attempt, request.context)),
    );
    if (typeof output?.generated_text !== "string") throw new Error("malformed response: no generated_text");
    // The client returns only the text: counts are unknown without a tokenizer (distilabel's -1).
    return { texts: [output.generated_text], inputTokens: undefined, outputTokens: undefined };
  }

  /** The base URL to call: `base_url`, the dedicated endpoint's URL (looked up once), or none (serverless). */
  private async endpointUrl(context: StepContext, token: string | undefined): Promise<string | undefined> {
    if (this.attrs.baseUrl) return this.attrs.baseUrl;
    const name = this.attrs.endpointName;
    if (!name) return undefined;
    const key = JSON.stringify([name, this.attrs.endpointNamespace, this.hfOrigin(context.services)]);
    if (!this.endpointUrlPromise || this.endpointUrlPromise.key !== key) {
      const url = this.call(context, undefined, (attempt) =>
        resolveEndpointUrl({
          fetch: redirectHuggingFace(attempt.fetch, this.hfOrigin(context.services)),
          signal: attempt.signal,
          token,
          name,
          namespace: this.attrs.endpointNamespace,
        }),
      );
      this.endpointUrlPromise = { key, url };
      url.catch(() => {
        if (this.endpointUrlPromise?.url === url) this.endpointUrlPromise = undefined;
      });
    }
    return this.endpointUrlPromise.url;
  }
}

interface InferenceRequest {
  client: InferenceClient;
  endpointUrl: string | undefined;
  kwargs: InferenceEndpointsGenerationKwargs;
  seed: number | undefined;
  structured: StructuredOutput | undefined;
  context: StepContext;
}

/** Chat structured output: OpenAI's json_schema format (HF router, TGI >= 3), or TGI's regex grammar. */
function chatResponseFormat(structured: StructuredOutput): Record<string, unknown> {
  if (structured.format === "regex") return { type: "regex", value: structured.schema };
  return openaiResponseFormat(structured);
}

/** Text-generation structured output: TGI's `grammar`. */
function grammarOf(structured: StructuredOutput): { type: string; value: unknown } {
  return structured.format === "regex" ? { type: "regex", value: structured.schema } : { type: "json", value: jsonSchemaOf(structured) };
}
