import { z } from "zod";
import { attribute, runtimeParameter } from "../../components/attributes.js";
import type { StepContext } from "../../steps/step-context.js";
import { rateLimitsAttribute } from "../llm.js";
import type { Attempt } from "../reliability/reliable-call.js";
import { reliabilityAttributes } from "../reliability/reliability-attributes.js";
import { runOptions, workersAIBinding, workersAiBindingAttributes } from "../workers-ai-binding.js";
import { RemoteEmbeddings, type EmbeddedBatch } from "./remote-embeddings.js";

export const workersAiEmbeddingsAttributes = z.object({
  model: attribute(z.string().min(1).default("@cf/baai/bge-base-en-v1.5"), "The Workers AI embeddings model."),
  ...workersAiBindingAttributes,
  batchSize: runtimeParameter(z.number().int().positive().max(100).default(100), "How many texts go in one call (the bge models take up to 100).", {
    excludeFromSignature: true,
  }),
  rateLimits: rateLimitsAttribute,
  ...reliabilityAttributes({ maxRetries: 6, timeout: 120 }),
});

export type WorkersAIEmbeddingsOptions = z.input<typeof workersAiEmbeddingsAttributes>;

const responseSchema = z.object({ data: z.array(z.array(z.number())) });

/** Vectors from Workers AI through the `AI` binding (e.g. `@cf/baai/bge-base-en-v1.5`). */
export class WorkersAIEmbeddings extends RemoteEmbeddings<typeof workersAiEmbeddingsAttributes> {
  static override readonly typeName: string = "WorkersAIEmbeddings";
  static override readonly attributes = workersAiEmbeddingsAttributes;

  override async load(context: StepContext): Promise<void> {
    workersAIBinding(context, this.attrs.binding, this.describeSelf());
  }

  protected rateLimitKey(): string {
    return `${this.typeName}|workers-ai|${this.attrs.model}`;
  }

  protected batchSender(context: StepContext): (batch: string[], attempt: Attempt) => Promise<EmbeddedBatch> {
    const ai = workersAIBinding(context, this.attrs.binding, this.describeSelf());
    return async (batch, attempt) => {
      const raw = await ai.run(this.attrs.model, { text: batch }, runOptions(attempt.signal, this.attrs.gateway));
      const parsed = responseSchema.safeParse(raw);
      if (!parsed.success) throw new Error("malformed response: expected `data` (a list of vectors) from Workers AI");
      return { vectors: parsed.data.data };
    };
  }
}
