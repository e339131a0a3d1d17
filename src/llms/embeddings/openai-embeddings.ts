import { z } from "zod";
import { attribute, runtimeParameter } from "../../components/attributes.js";
import type { Component } from "../../components/component.js";
import type { EgressTarget } from "../../security/egress-target.js";
import type { StepContext } from "../../steps/step-context.js";
import { apiKeyAttributes, keyVariable, refuseSerializedApiKey, resolveApiKey } from "../api-key.js";
import { rateLimitsAttribute } from "../llm.js";
import { ProviderHttpError } from "../reliability/provider-http-error.js";
import type { Attempt } from "../reliability/reliable-call.js";
import { reliabilityAttributes } from "../reliability/reliability-attributes.js";
import { hostOf } from "../remote-llm.js";
import { RemoteEmbeddings, type EmbeddedBatch } from "./remote-embeddings.js";

export const openaiEmbeddingsAttributes = z.object({
  model: attribute(z.string().min(1), "The embeddings model, e.g. `text-embedding-3-small`."),
  baseUrl: runtimeParameter(z.url().default("https://api.openai.com/v1"), "The base URL of the OpenAI-compatible API."),
  ...apiKeyAttributes("OPENAI_API_KEY"),
  dimensions: attribute(z.number().int().positive().optional(), "The number of dimensions of the vectors (models that support shortening)."),
  batchSize: runtimeParameter(z.number().int().positive().max(2048).default(256), "How many texts go in one request.", { excludeFromSignature: true }),
  rateLimits: rateLimitsAttribute,
  ...reliabilityAttributes({ maxRetries: 6, timeout: 120 }),
});

export type OpenAIEmbeddingsOptions = z.input<typeof openaiEmbeddingsAttributes>;

const embeddingsResponseSchema = z.object({
  data: z.array(z.object({ index: z.number().int(), embedding: z.array(z.number()) })),
  usage: z.object({ total_tokens: z.number().nullish() }).nullish(),
});

/**
 * Vectors from an OpenAI-compatible `/embeddings` endpoint (OpenAI, vLLM, Ollama, TEI...),
 * with the same reliability layer as the LLMs.
 */
export class OpenAIEmbeddings extends RemoteEmbeddings<typeof openaiEmbeddingsAttributes> {
  static override readonly typeName: string = "OpenAIEmbeddings";
  static override readonly attributes = openaiEmbeddingsAttributes;

  /** Loading from a serialized pipeline refuses an inline `api_key`. */
  static override fromOptions<C extends Component>(
    this: (new (options: Record<string, unknown>) => C) & { readonly typeName: string },
    options: Record<string, unknown>,
  ): C {
    refuseSerializedApiKey(this.typeName, options);
    return new this(options);
  }

  override egressTargets(): EgressTarget[] {
    return [{ url: this.attrs.baseUrl, keyVariable: keyVariable(this.attrs), field: "base_url" }];
  }

  override async load(context: StepContext): Promise<void> {
    resolveApiKey(context, this.attrs, this.describeSelf(), this.attrs.baseUrl);
  }

  protected rateLimitKey(): string {
    return `${this.typeName}|${hostOf(this.attrs.baseUrl)}|${this.attrs.model}`;
  }

  protected batchSender(context: StepContext): (batch: string[], attempt: Attempt) => Promise<EmbeddedBatch> {
    const apiKey = resolveApiKey(context, this.attrs, this.describeSelf(), this.attrs.baseUrl);
    const url = `${this.attrs.baseUrl.replace(/\/+$/, "")}/embeddings`;
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (apiKey) headers.authorization = `Bearer ${apiKey}`;
    return async (batch, attempt) => {
      const body = JSON.stringify({ model: this.attrs.model, input: batch, dimensions: this.attrs.dimensions, encoding_format: "float" });
      const response = await attempt.fetch(url, { method: "POST", headers, body, signal: attempt.signal });
      if (!response.ok) throw await ProviderHttpError.fromResponse(response);
      const parsed = embeddingsResponseSchema.safeParse(await response.json());
      if (!parsed.success) throw new Error(`malformed response: ${parsed.error.issues[0]?.message ?? "unexpected shape"}`);
      const ordered = [...parsed.data.data].sort((a, b) => a.index - b.index).map((item) => item.embedding);
      return { vectors: ordered, tokens: parsed.data.usage?.total_tokens ?? undefined };
    };
  }
}
