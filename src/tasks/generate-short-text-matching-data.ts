import type { StepOptions } from "../steps/base-step.js";
import { renderTemplate } from "../templates/render.js";
import { EmbeddingDataTask, embeddingDataTaskAttributes, languageAttribute } from "./embedding-data-task.js";
import { GENERATE_SHORT_TEXT_MATCHING_DATA_TEMPLATE } from "./templates/generate-short-text-matching-data.js";

const schema = embeddingDataTaskAttributes.extend({ language: languageAttribute });

/**
 * Writes a short text matching example for each `task` (distilabel's
 * `GenerateShortTextMatchingData`, after "Improving Text Embeddings with LLMs",
 * arXiv:2401.00368): `input` and `positive_document`, a sentence or a phrase each. Nothing is
 * sampled, so `seed` has no effect.
 *
 * @example
 * new GenerateShortTextMatchingData({ llm, language: "German" });
 */
export class GenerateShortTextMatchingData extends EmbeddingDataTask<typeof schema> {
  static override readonly typeName = "GenerateShortTextMatchingData";

  constructor(options: StepOptions<typeof schema>) {
    super(schema, options);
  }

  get keys(): readonly string[] {
    return ["input", "positive_document"];
  }

  protected userPrompt(task: string): string {
    return renderTemplate(GENERATE_SHORT_TEXT_MATCHING_DATA_TEMPLATE, { task, language: this.attrs.language });
  }
}
