import { renderTemplate } from "../../templates/render.js";
import { EmbeddingDataTask, embeddingDataTaskAttributes, languageAttribute } from "./embedding-data-task.js";

const schema = embeddingDataTaskAttributes.extend({ language: languageAttribute });

/** The text matching tasks of arXiv:2401.00368: one `task` in, `input` and `positive_document` out; only the prompt differs. */
export abstract class TextMatchingData extends EmbeddingDataTask<typeof schema> {
  static override readonly attributes = schema;
  static override readonly keys = ["input", "positive_document"];
  protected abstract readonly template: string;

  protected userPrompt(task: string): string {
    return renderTemplate(this.template, { task, language: this.attrs.language });
  }
}
