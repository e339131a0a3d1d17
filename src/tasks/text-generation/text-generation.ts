import { z } from "zod";
import { attribute } from "../../components/attributes.js";
import type { Row, StepColumns } from "../../core/row.js";
import type { ChatType } from "../../llms/types.js";
import type { StepOptions } from "../../steps/base-step.js";
import type { CompiledTemplate } from "../../templates/render.js";
import { RowInputError } from "../support/row-input-error.js";
import { Task, taskAttributes } from "../base/task.js";
import { compileTaskTemplate } from "../support/task-template.js";
import { checkColumnsMatchTemplate } from "../support/template-columns.js";
import { TEXT_GENERATION_DEFAULT_TEMPLATE } from "../templates/text-generation.js";

const schema = taskAttributes.extend({
  systemPrompt: attribute(z.string().optional(), "The system prompt; a row's own `system_prompt` column takes precedence."),
  useSystemPrompt: attribute(
    z.boolean().default(true),
    "Whether to send a system prompt at all (distilabel's older option; false ignores both `system_prompt` and the column).",
  ),
  template: attribute(z.string().default(TEXT_GENERATION_DEFAULT_TEMPLATE), "The Jinja2 template of the prompt; its variables are the `columns`."),
  columns: attribute(z.union([z.string(), z.array(z.string()).min(1)]).default("instruction"), "The column, or list of columns, the template reads."),
});

/**
 * Generates text from a prompt built with a Jinja2 template over the row's `columns`
 * (distilabel's `TextGeneration`). A row's `system_prompt` column overrides the option.
 *
 * @example
 * new TextGeneration({ llm, template: "Document:\n{{ document }}\n\nQuestion: {{ question }}", columns: ["document", "question"] });
 */
export class TextGeneration extends Task<typeof schema> {
  static override readonly typeName = "TextGeneration";
  static override readonly attributes = schema;
  static override readonly outputs = ["generation", "model_name"];
  private readonly compiled: CompiledTemplate;

  constructor(options: StepOptions<typeof schema>) {
    super(options);
    // distilabel stores the columns as a list whatever was given; dumps do too.
    this.attrs.columns = typeof this.attrs.columns === "string" ? [this.attrs.columns] : this.attrs.columns;
    this.compiled = compileTaskTemplate(this.attrs.template, this.describeSelf());
    checkColumnsMatchTemplate(this.columnList, this.compiled.variables, this.describeSelf());
  }

  get columnList(): string[] {
    const columns = this.attrs.columns;
    return typeof columns === "string" ? [columns] : [...columns];
  }

  override get inputs(): StepColumns {
    const columns: Record<string, boolean> = Object.fromEntries(this.columnList.map((c) => [c, true]));
    // A template may read `system_prompt` itself; it then stays a required column.
    if (!("system_prompt" in columns)) columns.system_prompt = false;
    return columns;
  }

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
    const content = this.compiled.render(Object.fromEntries(columns.map((c) => [c, row[c]])));
    const messages: ChatType = [{ role: "user", content }];
    const system = typeof row.system_prompt === "string" && row.system_prompt ? row.system_prompt : this.attrs.systemPrompt;
    if (system && this.attrs.useSystemPrompt) messages.unshift({ role: "system", content: system });
    return messages;
  }

  formatOutput(output: string | null): Row {
    return { generation: output };
  }
}
