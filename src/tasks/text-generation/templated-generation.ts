import { z } from "zod";
import { attribute } from "../../components/attributes.js";
import type { AnyObjectSchema } from "../../components/component.js";
import type { Row, StepColumns } from "../../core/row.js";
import type { StepOptions } from "../../steps/base-step.js";
import type { CompiledTemplate } from "../../templates/render.js";
import { Task, type TaskAttrs } from "../base/task.js";
import { compileTaskTemplate } from "../support/task-template.js";
import { checkColumnsMatchTemplate } from "../support/template-columns.js";
import { TEXT_GENERATION_DEFAULT_TEMPLATE } from "../templates/text-generation.js";

export const systemPromptAttribute = attribute(z.string().optional(), "The system prompt; a row's own `system_prompt` column takes precedence.");

/** The `template` and `columns` options; `templateDescription` says what the template renders. */
export function templateAttributes(templateDescription: string) {
  return {
    template: attribute(z.string().default(TEXT_GENERATION_DEFAULT_TEMPLATE), templateDescription),
    columns: attribute(z.union([z.string(), z.array(z.string()).min(1)]).default("instruction"), "The column, or list of columns, the template reads."),
  };
}

type TemplateAttrs = { systemPrompt?: string | undefined; template: string; columns: string | string[] };

/**
 * A task whose prompt is a Jinja2 template over the row's `columns` (TextGeneration,
 * TextGenerationWithImage), output `generation`. A row's `system_prompt` column overrides the option.
 */
export abstract class TemplatedGeneration<S extends AnyObjectSchema> extends Task<S> {
  static override readonly outputs = ["generation", "model_name"];
  declare attrs: z.output<S> & TaskAttrs & TemplateAttrs;
  private readonly compiled: CompiledTemplate;

  constructor(options: StepOptions<S>) {
    super(options);
    this.checkOptions();
    // distilabel stores the columns as a list whatever was given; dumps do too.
    this.attrs.columns = this.columnList;
    this.compiled = compileTaskTemplate(this.attrs.template, this.describeSelf());
    checkColumnsMatchTemplate(this.columnList, this.compiled.variables, this.describeSelf());
  }

  /** A subclass's own checks of its options, made before the template is compiled. */
  protected checkOptions(): void {}

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

  protected renderColumns(row: Row): string {
    return this.compiled.render(Object.fromEntries(this.columnList.map((c) => [c, row[c]])));
  }

  protected systemPromptFor(row: Row): string | undefined {
    return typeof row.system_prompt === "string" && row.system_prompt ? row.system_prompt : this.attrs.systemPrompt;
  }

  formatOutput(output: string | null): Row {
    return { generation: output };
  }
}
