import type { StepOptions } from "../steps/base-step.js";
import { renderTemplate } from "../templates/render.js";
import { EmbeddingDataTask, embeddingDataTaskAttributes, languageAttribute } from "./embedding-data-task.js";
import { GENERATE_LONG_TEXT_MATCHING_DATA_TEMPLATE } from "./templates/generate-long-text-matching-data.js";

const schema = embeddingDataTaskAttributes.extend({ language: languageAttribute });

/**
 * Writes a long text matching example for each `task` (distilabel's
 * `GenerateLongTextMatchingData`, after "Improving Text Embeddings with LLMs",
 * arXiv:2401.00368): `input` and `positive_document`, long documents each. Nothing is sampled,
 * so `seed` has no effect.
 *
 * @example
 * new GenerateLongTextMatchingData({ llm, language: "French" });
 */
export class GenerateLongTextMatchingData extends EmbeddingDataTask<typeof schema> {
  static override readonly typeName = "GenerateLongTextMatchingData";

  constructor(options: StepOptions<typeof schema>) {
    super(schema, options);
  }

  get keys(): readonly string[] {
    return ["input", "positive_document"];
  }

  protected userPrompt(task: string): string {
    return renderTemplate(GENERATE_LONG_TEXT_MATCHING_DATA_TEMPLATE, { task, language: this.attrs.language });
  }
}
