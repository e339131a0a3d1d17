import { z } from "zod";
import { attribute } from "../../components/attributes.js";
import { renderTemplate } from "../../templates/render.js";
import { CLARITIES, chooseOption, DIFFICULTIES } from "./embedding-data-options.js";
import { EmbeddingDataTask, embeddingDataTaskAttributes, languageAttribute } from "./embedding-data-task.js";
import { GENERATE_TEXT_CLASSIFICATION_DATA_TEMPLATE } from "../templates/generate-text-classification-data.js";

const schema = embeddingDataTaskAttributes.extend({
  language: languageAttribute,
  difficulty: attribute(z.enum(DIFFICULTIES).optional(), "Education needed to understand the text: high school, college or PhD; unset, drawn per row."),
  clarity: attribute(z.enum(CLARITIES).optional(), "How clear the text is: clear, understandable with some effort or ambiguous; unset, drawn per row."),
});

/**
 * Writes a classification example for each `task` (distilabel's `GenerateTextClassificationData`,
 * after "Improving Text Embeddings with LLMs", arXiv:2401.00368): `input_text`, its `label` and
 * a `misleading_label`. Options left unset are drawn per row with `seed`.
 *
 * @example
 * new GenerateTextClassificationData({ llm, difficulty: "college", clarity: "clear" });
 */
export class GenerateTextClassificationData extends EmbeddingDataTask<typeof schema> {
  static override readonly typeName = "GenerateTextClassificationData";
  static override readonly attributes = schema;
  static override readonly keys = ["input_text", "label", "misleading_label"];

  protected userPrompt(task: string, random: () => number): string {
    return renderTemplate(GENERATE_TEXT_CLASSIFICATION_DATA_TEMPLATE, {
      task,
      language: this.attrs.language,
      difficulty: chooseOption(this.attrs.difficulty, DIFFICULTIES, random),
      clarity: chooseOption(this.attrs.clarity, CLARITIES, random),
    });
  }
}
