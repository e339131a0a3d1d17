import { z } from "zod";
import { attribute } from "../../components/attributes.js";
import type { Row, StepColumns } from "../../core/row.js";
import { Embeddings } from "../../llms/llm.js";
import { Step, stepAttributes } from "../../steps/base-step.js";
import type { StepContext } from "../../steps/step-context.js";
import { embedRows } from "./embed-rows.js";
import { stringInput } from "../support/row-inputs.js";

export const embeddingsSchema = z.custom<Embeddings>((value) => value instanceof Embeddings, {
  message: "an Embeddings instance (serialized: an object with type_info)",
});

const schema = stepAttributes.extend({ embeddings: attribute(embeddingsSchema, "The embeddings model that encodes the texts.") });

/**
 * Encodes the `text` column with an embeddings model into `embedding` (a list of numbers),
 * plus `model_name` (distilabel's `EmbeddingGeneration`).
 *
 * @example
 * new EmbeddingGeneration({ embeddings }); // any Embeddings component
 */
export class EmbeddingGeneration extends Step<typeof schema> {
  static override readonly typeName: string = "EmbeddingGeneration";
  static override readonly attributes = schema;

  override get inputs(): StepColumns {
    return ["text"];
  }

  override get outputs(): StepColumns {
    return ["embedding", "model_name"];
  }

  override async load(context: StepContext): Promise<void> {
    await this.attrs.embeddings.load(context);
  }

  /** The text to encode for a row. */
  protected textOf(row: Row): string {
    return stringInput(row, "text", this.name);
  }

  async process(inputs: Row[][], context: StepContext): Promise<Row[]> {
    const rows = inputs[0] ?? [];
    const texts = rows.map((row) => this.textOf(row));
    return embedRows({ embeddings: this.attrs.embeddings, rows, texts, step: this.name }, context);
  }
}
