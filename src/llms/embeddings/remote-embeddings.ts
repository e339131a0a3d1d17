import type { z } from "zod";
import type { AnyObjectSchema } from "../../components/component.js";
import type { StepContext } from "../../steps/step-context.js";
import { Embeddings, type rateLimitsSchema } from "../llm.js";
import type { RetryTiming } from "../reliability/backoff.js";
import type { Attempt } from "../reliability/reliable-call.js";
import { remoteCall } from "../remote-llm.js";

interface RemoteEmbeddingsAttrs {
  model: string;
  batchSize: number;
  maxRetries: number;
  timeout: number;
  rateLimits?: z.infer<typeof rateLimitsSchema> | undefined;
}

/** One request's vectors, in input order, and the tokens the provider counted when it says. */
export interface EmbeddedBatch {
  vectors: number[][];
  tokens?: number | undefined;
}

/**
 * Embeddings behind a network API: the texts go in requests of `batch_size`, all at once, each
 * with the LLMs' reliability layer and rate limiter.
 */
export abstract class RemoteEmbeddings<S extends AnyObjectSchema> extends Embeddings<S> {
  /** Backoff timing, TypeScript only (never serialized). */
  retryTiming: Partial<RetryTiming> | undefined;

  get modelName(): string {
    return (this.attrs as RemoteEmbeddingsAttrs).model;
  }

  /** The limiter key: provider, endpoint and model. */
  protected abstract rateLimitKey(): string;

  /** Prepares one `encode` (key, binding) and returns how one batch of texts is sent. */
  protected abstract batchSender(context: StepContext): (batch: string[], attempt: Attempt) => Promise<EmbeddedBatch>;

  async encode(inputs: string[], context: StepContext): Promise<number[][]> {
    const attrs = this.attrs as RemoteEmbeddingsAttrs;
    const send = this.batchSender(context);
    const caller = { label: `${this.typeName} (${attrs.model})`, attrs, retryTiming: this.retryTiming, rateLimitKey: this.rateLimitKey() };
    const batches: string[][] = [];
    for (let i = 0; i < inputs.length; i += attrs.batchSize) batches.push(inputs.slice(i, i + attrs.batchSize));
    const results = await Promise.all(
      batches.map((batch) => {
        const tokens = Math.ceil(batch.reduce((sum, text) => sum + text.length, 0) / 4);
        return remoteCall(caller, context, { tokens, tokensUsed: (result: EmbeddedBatch) => result.tokens }, async (attempt) => {
          const result = await send(batch, attempt);
          if (result.vectors.length !== batch.length) throw new Error(`malformed response: ${result.vectors.length} vectors for ${batch.length} inputs`);
          return result;
        });
      }),
    );
    return results.flatMap((result) => result.vectors);
  }
}
