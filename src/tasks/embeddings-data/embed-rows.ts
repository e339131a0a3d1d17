import { DistilflareError } from "../../errors.js";
import type { Row } from "../../core/row.js";
import type { Embeddings } from "../../llms/llm.js";
import type { StepContext } from "../../steps/step-context.js";

/**
 * Encodes one text per row in a single `encode` call and writes `embedding` and `model_name`
 * into copies of the rows.
 */
export async function embedRows(options: { embeddings: Embeddings; rows: Row[]; texts: string[]; step: string }, context: StepContext): Promise<Row[]> {
  const { embeddings, rows, texts, step } = options;
  if (rows.length === 0) return [];
  const vectors = await embeddings.encode(texts, context);
  if (vectors.length !== texts.length) {
    throw new DistilflareError("step_failed", `Step '${step}': ${embeddings.describeSelf()} returned ${vectors.length} embeddings for ${texts.length} texts`, {
      step,
      expected: `${texts.length} embeddings`,
    });
  }
  return rows.map((row, i) => ({ ...row, embedding: vectors[i], model_name: embeddings.modelName }));
}
