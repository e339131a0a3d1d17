import type { StepOptions } from "../../steps/base-step.js";
import { renderTemplate } from "../../templates/render.js";
import { EmbeddingDataTask, embeddingDataTaskAttributes, languageAttribute } from "./embedding-data-task.js";

const schema = embeddingDataTaskAttributes.extend({ language: languageAttribute });

/** The text matching tasks of arXiv:2401.00368: one `task` in, `input` and `positive_document` out; only the prompt differs. */
export abstract class TextMatchingData extends EmbeddingDataTask<typeof schema> {
  protected abstract readonly template: string;

  constructor(options: StepOptions<typeof schema>) {
    super(schema, options);
  }

  get keys(): readonly string[] {
    return ["input", "positive_document"];
  }

  protected userPrompt(task: string): string {
    return renderTemplate(this.template, { task, language: this.attrs.language });
  }
}
