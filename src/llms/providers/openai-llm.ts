import OpenAI from "openai";
import { z } from "zod";
import { attribute, runtimeParameter } from "../../components/attributes.js";
import type { AnyObjectSchema } from "../../components/component.js";
import type { EgressTarget } from "../../security/egress-target.js";
import type { StepContext, StepServices } from "../../steps/step-context.js";
import { apiKeyAttributes, keyVariable, resolveApiKey } from "../api-key.js";
import { assembleOutput, type CallResult } from "../assemble-output.js";
import { estimateTokens } from "../chat-text.js";
import { llmAttributes, type GenerateOptions } from "../llm.js";
import { openaiOfflineBatchGenerate } from "../offline-batch/openai-offline-batch.js";
import { fetchWithSlotUntilHeaders } from "../reliability/connection-slots.js";
import { reliabilityAttributes } from "../reliability/reliability-attributes.js";
import { hostOf, RemoteLLM } from "../remote-llm.js";
import { isStrictCompatible, jsonSchemaOnly, schemaName } from "../structured/json-schema-validator.js";
import { splitFormattedInput, type ChatType, type FormattedInput, type GenerateOutput, type StructuredOutput } from "../types.js";
import { pickDefined, withoutUndefined } from "../defined-fields.js";
import { DEFAULT_MAX_NEW_TOKENS, openaiGenerationKwargsSchema, type OpenAIGenerationKwargs } from "./generation-kwargs.js";
import { choicesResult, parseOpenAIResponse, reportedTotalTokens, type ParsedCompletion } from "./openai-response.js";
import { collectStream, serverSentChunks } from "./openai-stream.js";

const OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1";

export const openaiLlmAttributes = llmAttributes.extend({
  model: attribute(z.string().min(1), "The model name to use for the LLM, e.g. `gpt-4o-mini`."),
  baseUrl: runtimeParameter(
    z.url().optional(),
    "The base URL of the OpenAI-compatible API (OpenAI, vLLM, Ollama, LM Studio, Together, Groq, Mistral, OpenRouter...); unset, the OPENAI_BASE_URL secret or https://api.openai.com/v1.",
  ),
  ...apiKeyAttributes("OPENAI_API_KEY"),
  defaultHeaders: attribute(z.record(z.string(), z.string()).optional(), "Headers sent with every request to the API."),
  stream: attribute(
    z.boolean().default(true),
    "Stream replies (`stream: true`, usage in the last chunk): a Worker's connection slot is freed when the headers arrive, so far more than 6 calls run at once. Off for servers without server-sent events.",
    { excludeFromSignature: true },
  ),
  ...reliabilityAttributes({ maxRetries: 6, timeout: 120 }),
});

export type OpenAILLMOptions = z.input<typeof openaiLlmAttributes>;
/** What OpenAILLM reads from its attributes (subclasses' schemas produce at least this). */
type OpenAIAttrs = z.output<typeof openaiLlmAttributes>;

/**
 * What OpenAILLM and the providers built on the `openai` client share; generic over the
 * attribute schema so AzureOpenAILLM adds its own (a generic OpenAILLM would take its schema
 * from where it is used, `llm: new OpenAILLM(...)` in a task, instead of its default).
 */
export abstract class OpenAICompatibleLLM<S extends AnyObjectSchema> extends RemoteLLM<S> {
  declare attrs: z.output<S> & OpenAIAttrs;
  static override readonly generationKwargsSchema = openaiGenerationKwargsSchema;

  private cachedClient: { key: string; services: StepContext["services"]; client: OpenAI } | undefined;

  override get supportsNumGenerations(): boolean {
    return true;
  }

  private resolvedBaseUrl: string | undefined;

  /** The option, else the OPENAI_BASE_URL secret (as distilabel reads its env var), else OpenAI's. */
  private baseUrl(services: Pick<StepServices, "secret">): string {
    return this.attrs.baseUrl ?? services.secret("OPENAI_BASE_URL") ?? OPENAI_DEFAULT_BASE_URL;
  }

  override egressTargets(services: Pick<StepServices, "secret">): EgressTarget[] {
    return [{ url: this.baseUrl(services), keyVariable: keyVariable(this.attrs), field: "base_url" }];
  }

  protected rateLimitKey(): string {
    return `${this.typeName}|${hostOf(this.resolvedBaseUrl ?? this.attrs.baseUrl ?? OPENAI_DEFAULT_BASE_URL)}|${this.attrs.model}`;
  }

  /** Resolves the API key (a missing key fails here, before any row) and builds the client. */
  override async load(context: StepContext): Promise<void> {
    this.clientFor(context);
  }

  /** The client for this context's fetch and key; our own layer retries, so the client never does. */
  protected clientFor(context: StepContext): OpenAI {
    const baseUrl = this.baseUrl(context.services);
    this.resolvedBaseUrl = baseUrl;
    const apiKey = resolveApiKey(context, this.attrs, this.describeSelf(), baseUrl);
    const key = JSON.stringify([baseUrl, apiKey, this.attrs.defaultHeaders, this.attrs.timeout]);
    if (this.cachedClient && this.cachedClient.key === key && this.cachedClient.services === context.services) return this.cachedClient.client;
    const client = this.createClient(context, apiKey, baseUrl);
    this.cachedClient = { key, services: context.services, client };
    return client;
  }

  protected createClient(context: StepContext, apiKey: string | undefined, baseUrl: string): OpenAI {
    return new OpenAI({ ...this.clientOptions(context, apiKey), baseURL: baseUrl });
  }

  /** What every `openai` client of ours takes: no retries of its own (our layer retries), our fetch. */
  protected clientOptions(context: StepContext, apiKey: string | undefined) {
    return {
      // Local servers (vLLM, Ollama) take any key; the client insists on one.
      apiKey: apiKey ?? "no-key",
      defaultHeaders: this.attrs.defaultHeaders,
      organization: null,
      project: null,
      maxRetries: 0,
      timeout: this.timeoutMs,
      fetch: fetchWithSlotUntilHeaders(context.services.fetch, context.services.connectionSlots),
    };
  }

  async generateOne(input: FormattedInput, options: GenerateOptions): Promise<GenerateOutput> {
    const { input: prompt, structuredOutput } = splitFormattedInput(input);
    const structured = structuredOutput ?? this.structuredOutput;
    const kwargs = openaiGenerationKwargsSchema.parse(this.generationKwargs);
    const client = this.clientFor(options.context);
    const results: CallResult[] = [];
    let remaining = options.numGenerations;
    // Some OpenAI-compatible servers (Ollama) ignore `n`: ask again for what is missing.
    while (remaining > 0) {
      const parsed = await this.request(client, { prompt, structured, kwargs, n: remaining, context: options.context });
      const result = choicesResult(parsed, remaining);
      if (result.texts.length === 0) break;
      const silent = parsed.choices.slice(0, remaining).filter((choice) => choice.text === null);
      for (const choice of silent) options.context.logger.warn(`${this.callLabel} returned no content (finish_reason: ${choice.finishReason ?? "unknown"})`);
      results.push(result);
      remaining -= result.texts.length;
    }
    return assembleOutput(results, { numGenerations: options.numGenerations, structured, wantLogprobs: kwargs.logprobs === true });
  }

  /** The body of a chat or completion request, before streaming options (the Batch API sends it as it is). */
  private requestBody(prompt: ChatType | string, structured: StructuredOutput | undefined, kwargs: OpenAIGenerationKwargs, n: number): Record<string, unknown> {
    const body: Record<string, unknown> = {
      model: this.attrs.model,
      max_tokens: kwargs.max_new_tokens ?? DEFAULT_MAX_NEW_TOKENS,
      ...pickDefined(kwargs, ["temperature", "top_p", "frequency_penalty", "presence_penalty", "stop", "seed"]),
      response_format: structured ? openaiResponseFormat(structured) : kwargs.response_format,
    };
    if (n > 1) body.n = n;
    if (typeof prompt !== "string") {
      body.messages = prompt;
      body.logprobs = kwargs.logprobs;
      body.top_logprobs = kwargs.top_logprobs;
    } else {
      body.prompt = prompt;
      // The completions API takes the number of alternatives as `logprobs`.
      if (kwargs.logprobs) body.logprobs = kwargs.top_logprobs ?? 0;
    }
    Object.assign(body, kwargs.extra_body);
    return withoutUndefined(body);
  }

  override get supportsOfflineBatchGeneration(): boolean {
    return true;
  }

  /** OpenAI's Batch API, one job per step batch (see `openaiOfflineBatchGenerate`). */
  protected override offlineBatchGenerate(inputs: FormattedInput[], options: GenerateOptions): Promise<GenerateOutput[]> {
    const kwargs = openaiGenerationKwargsSchema.parse(this.generationKwargs);
    return openaiOfflineBatchGenerate(
      {
        provider: this.typeName,
        model: this.attrs.model,
        client: this.clientFor(options.context),
        pollIntervalSeconds: this.offlineBatchPollSeconds,
        structuredOutput: this.structuredOutput,
        wantLogprobs: kwargs.logprobs === true,
        requestBody: (prompt, structured, n) => this.requestBody(prompt, structured, kwargs, n),
        call: (context, run) => this.call(context, undefined, run),
      },
      inputs,
      options,
    );
  }

  private async request(
    client: OpenAI,
    call: { prompt: ChatType | string; structured: StructuredOutput | undefined; kwargs: OpenAIGenerationKwargs; n: number; context: StepContext },
  ): Promise<ParsedCompletion> {
    const { prompt, kwargs, n } = call;
    const maxTokens = kwargs.max_new_tokens ?? DEFAULT_MAX_NEW_TOKENS;
    const body = this.requestBody(prompt, call.structured, kwargs, n);
    const isChat = typeof prompt !== "string";

    const stream = this.attrs.stream;
    if (stream) Object.assign(body, { stream: true, stream_options: { include_usage: true } });

    const raw = await this.call(
      call.context,
      { tokens: estimateTokens(prompt) + maxTokens * n, tokensUsed: reportedTotalTokens },
      async (attempt): Promise<unknown> => {
        const requestOptions = { signal: attempt.signal, maxRetries: 0, timeout: this.timeoutMs };
        if (stream) {
          // Reading the whole stream happens inside the attempt: a reply that breaks mid-stream is retried.
          const response = await (isChat
            ? client.chat.completions.create(body as unknown as OpenAI.ChatCompletionCreateParamsStreaming, requestOptions)
            : client.completions.create(body as unknown as OpenAI.CompletionCreateParamsStreaming, requestOptions)
          ).asResponse();
          return collectStream(serverSentChunks(await response.text(), response.headers), isChat ? "chat" : "completion");
        }
        return isChat
          ? client.chat.completions.create(body as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming, requestOptions)
          : client.completions.create(body as unknown as OpenAI.CompletionCreateParamsNonStreaming, requestOptions);
      },
    );
    return parseOpenAIResponse(raw, isChat ? "chat" : "completion");
  }
}

/** `response_format` for a structured output; `strict` only where OpenAI's strict mode accepts the schema. */
export function openaiResponseFormat(structured: StructuredOutput): Record<string, unknown> {
  const schema = jsonSchemaOnly(structured, "OpenAI-compatible APIs take");
  return { type: "json_schema", json_schema: { name: schemaName(structured), schema, strict: isStrictCompatible(schema) } };
}

/**
 * An OpenAI-compatible chat/completions API through the `openai` client (distilabel's
 * `OpenAILLM`). Chats go to `/chat/completions`, raw strings (Magpie pre-query templates) to
 * `/completions`; `num_generations` is sent as `n`; structured output is a `json_schema`
 * response format, and replies are validated against the schema.
 *
 * @example
 * const llm = new OpenAILLM({ model: "gpt-4o-mini", generationKwargs: { temperature: 0.7 } });
 */
export class OpenAILLM extends OpenAICompatibleLLM<typeof openaiLlmAttributes> {
  static override readonly typeName: string = "OpenAILLM";
  static override readonly attributes = openaiLlmAttributes;
}
