import { z } from "zod";
import { attribute } from "../../components/attributes.js";
import type { Row } from "../../core/row.js";
import type { ChatType } from "../../llms/types.js";
import { RowInputError } from "../support/row-input-error.js";
import { taskAttributes } from "../base/task.js";
import { systemPromptAttribute, TemplatedGeneration, templateAttributes } from "./templated-generation.js";

const schema = taskAttributes.extend({
  systemPrompt: systemPromptAttribute,
  useSystemPrompt: attribute(
    z.boolean().default(true),
    "Whether to send a system prompt at all (distilabel's older option; false ignores both `system_prompt` and the column).",
  ),
  ...templateAttributes("The Jinja2 template of the prompt; its variables are the `columns`."),
});

/**
 * Generates text from a prompt built with a Jinja2 template over the row's `columns`
 * (distilabel's `TextGeneration`). A row's `system_prompt` column overrides the option.
 *
 * @example
 * new TextGeneration({ llm, template: "Document:\n{{ document }}\n\nQuestion: {{ question }}", columns: ["document", "question"] });
 */
export class TextGeneration extends TemplatedGeneration<typeof schema> {
  static override readonly typeName = "TextGeneration";
  static override readonly attributes = schema;

  formatInput(row: Row): ChatType {
    const columns = this.columnList;
    if (columns.length === 1 && columns[0] === "instruction" && typeof row.instruction !== "string") {
      throw new RowInputError(
        Array.isArray(row.instruction)
          ? "input 'instruction' is a list (a chat?); use ChatGeneration with a `messages` column for conversations"
          : `input 'instruction' must be a string, got ${row.instruction === null ? "null" : typeof row.instruction}`,
        { field: "instruction", expected: "a string" },
      );
    }
    const messages: ChatType = [{ role: "user", content: this.renderColumns(row) }];
    const system = this.systemPromptFor(row);
    if (system && this.attrs.useSystemPrompt) messages.unshift({ role: "system", content: system });
    return messages;
  }
}
