import { z } from "zod";
import { attribute } from "../../components/attributes.js";
import type { Row, StepColumns } from "../../core/row.js";
import { OptionError } from "../../errors.js";
import type { ChatType } from "../../llms/types.js";
import type { StepOptions } from "../../steps/base-step.js";
import type { CompiledTemplate } from "../../templates/render.js";
import { IMAGE_TYPES, imageUrlFor } from "./image-url.js";
import { Task, taskAttributes } from "../base/task.js";
import { checkColumnsMatchTemplate } from "../support/template-columns.js";
import { compileTaskTemplate } from "../support/task-template.js";
import { TEXT_GENERATION_WITH_IMAGE_DEFAULT_TEMPLATE } from "../templates/text-generation-with-image.js";

const schema = taskAttributes.extend({
  systemPrompt: attribute(z.string().optional(), "The system prompt; a row's own `system_prompt` column takes precedence."),
  template: attribute(
    z.string().default(TEXT_GENERATION_WITH_IMAGE_DEFAULT_TEMPLATE),
    "The Jinja2 template of the text sent with the image; its variables are the `columns`.",
  ),
  columns: attribute(z.union([z.string(), z.array(z.string()).min(1)]).default("instruction"), "The column, or list of columns, the template reads."),
  imageType: attribute(
    z.enum(IMAGE_TYPES).default("url"),
    "How the `image` column holds the image: `url` (sent as it is) or `base64` (sent as a data URL). `PIL` is not available here.",
  ),
});

/**
 * Generates text from a prompt and an image, for vision-language models (distilabel's
 * `TextGenerationWithImage`). The prompt is a Jinja2 template over the row's `columns`, sent as
 * a text content part followed by an OpenAI `image_url` part holding the row's `image` (a URL,
 * or a base64 string sent as a `data:` URL). A row's `system_prompt` column overrides the option.
 * A row whose image is not a usable string gets null outputs and the reason.
 *
 * @example
 * new TextGenerationWithImage({ llm, imageType: "base64", template: "Describe the {{ subject }} in this photo.", columns: "subject" });
 */
export class TextGenerationWithImage extends Task<typeof schema> {
  static override readonly typeName = "TextGenerationWithImage";
  static override readonly attributes = schema;
  static override readonly outputs = ["generation", "model_name"];
  private readonly compiled: CompiledTemplate;

  constructor(options: StepOptions<typeof schema>) {
    super(options);
    const owner = this.describeSelf();
    if (this.attrs.imageType === "PIL") {
      throw new OptionError(
        `${owner}: image_type 'PIL' is not supported: there are no Python image objects on Workers. Store images as URLs (image_type 'url') or base64 strings (image_type 'base64')`,
        { component: owner, field: "image_type", expected: "'url' or 'base64'" },
      );
    }
    // distilabel stores the columns as a list whatever was given; dumps do too.
    this.attrs.columns = typeof this.attrs.columns === "string" ? [this.attrs.columns] : this.attrs.columns;
    this.compiled = compileTaskTemplate(this.attrs.template, owner);
    checkColumnsMatchTemplate(this.columnList, this.compiled.variables, owner);
  }

  get columnList(): string[] {
    const columns = this.attrs.columns;
    return typeof columns === "string" ? [columns] : [...columns];
  }

  override get inputs(): StepColumns {
    const columns: Record<string, boolean> = Object.fromEntries(this.columnList.map((c) => [c, true]));
    if (!("system_prompt" in columns)) columns.system_prompt = false;
    columns.image = true;
    return columns;
  }

  formatInput(row: Row): ChatType {
    const url = imageUrlFor(row.image, this.attrs.imageType === "base64" ? "base64" : "url");
    const text = this.compiled.render(Object.fromEntries(this.columnList.map((c) => [c, row[c]])));
    const messages: ChatType = [
      {
        role: "user",
        content: [
          { type: "text", text },
          { type: "image_url", image_url: { url } },
        ],
      },
    ];
    const system = typeof row.system_prompt === "string" && row.system_prompt ? row.system_prompt : this.attrs.systemPrompt;
    if (system) messages.unshift({ role: "system", content: system });
    return messages;
  }

  formatOutput(output: string | null): Row {
    return { generation: output };
  }
}
