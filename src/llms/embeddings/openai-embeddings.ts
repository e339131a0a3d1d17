import { z } from "zod";
import { attribute, runtimeParameter, secretAttribute } from "../../components/attributes.js";
import type { Component } from "../../components/component.js";
import type { EgressTarget } from "../../security/egress-target.js";
import type { StepContext } from "../../steps/step-context.js";
import { refuseSerializedApiKey, resolveApiKey } from "../api-key.js";
import { Embeddings, rateLimitsSchema } from "../llm.js";
import { ProviderHttpError } from "../reliability/provider-http-error.js";
import { reliableCall } from "../reliability/reliable-call.js";
import type { RetryTiming } from "../reliability/backoff.js";
import { reliabilityAttributes } from "../reliability/reliability-attributes.js";
import { hostOf, toRateLimits } from "../remote-llm.js";

export const openaiEmbeddingsAttributes = z.object({
  model: attribute(z.string().min(1), "The embeddings model, e.g. `text-embedding-3-small`."),
  baseUrl: runtimeParameter(z.url().default("https://api.openai.com/v1"), "The base URL of the OpenAI-compatible API."),
  apiKeyEnv: attribute(
    z.string().min(1).default("OPENAI_API_KEY"),
    "The name of the secret (or environment variable) that holds the API key; read at call time, never serialized.",
    { excludeFromSignature: true },
  ),
  apiKey: secretAttribute(z.string().min(1).optional(), "The API key, given in code only; serialized pipelines name a secret with api_key_env."),
  dimensions: attribute(z.number().int().positive().optional(), "The number of dimensions of the vectors (models that support shortening)."),
  batchSize: runtimeParameter(z.number().int().positive().max(2048).default(256), "How many texts go in one request.", { excludeFromSignature: true }),
  rateLimits: runtimeParameter(rateLimitsSchema.optional(), "Deployment-wide limits for this model: requests_per_minute, tokens_per_minute, max_in_flight.", {
    excludeFromSignature: true,
  }),
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
export class OpenAIEmbeddings extends Embeddings<typeof openaiEmbeddingsAttributes> {
  static override readonly typeName: string = "OpenAIEmbeddings";
  /** Backoff timing, TypeScript only (never serialized). */
  retryTiming: Partial<RetryTiming> | undefined;

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
    return [{ url: this.attrs.baseUrl, keyVariable: this.attrs.apiKey ? undefined : this.attrs.apiKeyEnv, field: "base_url" }];
  }

  get modelName(): string {
    return this.attrs.model;
  }

  override async load(context: StepContext): Promise<void> {
    this.apiKey(context);
  }

  private apiKey(context: StepContext): string | undefined {
    return resolveApiKey(context, { explicit: this.attrs.apiKey, envName: this.attrs.apiKeyEnv, owner: this.describeSelf(), baseUrl: this.attrs.baseUrl });
  }

  async encode(inputs: string[], context: StepContext): Promise<number[][]> {
    const apiKey = this.apiKey(context);
    const url = `${this.attrs.baseUrl.replace(/\/+$/, "")}/embeddings`;
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (apiKey) headers.authorization = `Bearer ${apiKey}`;
    const batches: string[][] = [];
    for (let i = 0; i < inputs.length; i += this.attrs.batchSize) batches.push(inputs.slice(i, i + this.attrs.batchSize));
    const vectors = await Promise.all(
      batches.map((batch) => {
        const body = JSON.stringify({ model: this.attrs.model, input: batch, dimensions: this.attrs.dimensions, encoding_format: "float" });
        return reliableCall(
          {
            context,
            label: `${this.typeName} (${this.attrs.model})`,
            maxRetries: this.attrs.maxRetries,
            timeoutMs: this.attrs.timeout * 1000,
            timing: this.retryTiming,
            rateLimit: {
              key: `${this.typeName}|${hostOf(this.attrs.baseUrl)}|${this.attrs.model}`,
              limits: toRateLimits(this.attrs.rateLimits),
              tokens: Math.ceil(batch.reduce((sum, text) => sum + text.length, 0) / 4),
            },
            tokensUsed: (result: { tokens: number | undefined }) => result.tokens,
          },
          async (attempt) => {
            const response = await attempt.fetch(url, { method: "POST", headers, body, signal: attempt.signal });
            if (!response.ok) throw await ProviderHttpError.fromResponse(response);
            const parsed = embeddingsResponseSchema.safeParse(await response.json());
            if (!parsed.success) throw new Error(`malformed response: ${parsed.error.issues[0]?.message ?? "unexpected shape"}`);
            if (parsed.data.data.length !== batch.length) throw new Error(`malformed response: ${parsed.data.data.length} vectors for ${batch.length} inputs`);
            const ordered = [...parsed.data.data].sort((a, b) => a.index - b.index).map((item) => item.embedding);
            return { vectors: ordered, tokens: parsed.data.usage?.total_tokens ?? undefined };
          },
        );
      }),
    );
    return vectors.flatMap((result) => result.vectors);
  }
}
