import { z } from "zod";
import { attribute, runtimeParameter } from "../../components/attributes.js";
import type { StepContext } from "../../steps/step-context.js";
import { Embeddings, rateLimitsSchema } from "../llm.js";
import type { RetryTiming } from "../reliability/backoff.js";
import { reliableCall } from "../reliability/reliable-call.js";
import { reliabilityAttributes } from "../reliability/reliability-attributes.js";
import { toRateLimits } from "../remote-llm.js";
import { gatewayOptions, workersAIBinding } from "../workers-ai-binding.js";
import { gatewaySchema } from "../providers/workers-ai-llm.js";

export const workersAiEmbeddingsAttributes = z.object({
  model: attribute(z.string().min(1).default("@cf/baai/bge-base-en-v1.5"), "The Workers AI embeddings model."),
  binding: attribute(z.string().min(1).default("AI"), "The name of the Workers AI binding in wrangler.toml."),
  gateway: attribute(gatewaySchema.optional(), "Route calls through an AI Gateway: `{id, skip_cache, cache_ttl}`."),
  batchSize: runtimeParameter(z.number().int().positive().max(100).default(100), "How many texts go in one call (the bge models take up to 100).", {
    excludeFromSignature: true,
  }),
  rateLimits: runtimeParameter(rateLimitsSchema.optional(), "Deployment-wide limits for this model: requests_per_minute, tokens_per_minute, max_in_flight.", {
    excludeFromSignature: true,
  }),
  ...reliabilityAttributes({ maxRetries: 6, timeout: 120 }),
});

export type WorkersAIEmbeddingsOptions = z.input<typeof workersAiEmbeddingsAttributes>;

const responseSchema = z.object({ data: z.array(z.array(z.number())) });

/** Vectors from Workers AI through the `AI` binding (e.g. `@cf/baai/bge-base-en-v1.5`). */
export class WorkersAIEmbeddings extends Embeddings<typeof workersAiEmbeddingsAttributes> {
  static override readonly typeName: string = "WorkersAIEmbeddings";
  /** Backoff timing, TypeScript only (never serialized). */
  retryTiming: Partial<RetryTiming> | undefined;

  static override readonly attributes = workersAiEmbeddingsAttributes;

  get modelName(): string {
    return this.attrs.model;
  }

  override async load(context: StepContext): Promise<void> {
    workersAIBinding(context, this.attrs.binding, this.describeSelf());
  }

  async encode(inputs: string[], context: StepContext): Promise<number[][]> {
    const ai = workersAIBinding(context, this.attrs.binding, this.describeSelf());
    const gateway = gatewayOptions(this.attrs.gateway);
    const batches: string[][] = [];
    for (let i = 0; i < inputs.length; i += this.attrs.batchSize) batches.push(inputs.slice(i, i + this.attrs.batchSize));
    const vectors = await Promise.all(
      batches.map((batch) =>
        reliableCall(
          {
            context,
            label: `${this.typeName} (${this.attrs.model})`,
            maxRetries: this.attrs.maxRetries,
            timeoutMs: this.attrs.timeout * 1000,
            timing: this.retryTiming,
            rateLimit: {
              key: `${this.typeName}|workers-ai|${this.attrs.model}`,
              limits: toRateLimits(this.attrs.rateLimits),
              tokens: Math.ceil(batch.reduce((sum, text) => sum + text.length, 0) / 4),
            },
          },
          async (attempt) => {
            const raw = await ai.run(this.attrs.model, { text: batch }, gateway ? { signal: attempt.signal, gateway } : { signal: attempt.signal });
            const parsed = responseSchema.safeParse(raw);
            if (!parsed.success) throw new Error("malformed response: expected `data` (a list of vectors) from Workers AI");
            if (parsed.data.data.length !== batch.length) throw new Error(`malformed response: ${parsed.data.data.length} vectors for ${batch.length} inputs`);
            return parsed.data.data;
          },
        ),
      ),
    );
    return vectors.flat();
  }
}
