import { z } from "zod";
import { attribute } from "../../components/attributes.js";
import type { Row, StepColumns } from "../../core/row.js";
import { OptionError } from "../../errors.js";
import type { ChatType } from "../../llms/types.js";
import { IMAGE_TYPES, imageUrlFor } from "./image-url.js";
import { taskAttributes } from "../base/task.js";
import { systemPromptAttribute, TemplatedGeneration, templateAttributes } from "./templated-generation.js";

const schema = taskAttributes.extend({
  systemPrompt: systemPromptAttribute,
  ...templateAttributes("The Jinja2 template of the text sent with the image; its variables are the `columns`."),
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
export class TextGenerationWithImage extends TemplatedGeneration<typeof schema> {
  static override readonly typeName = "TextGenerationWithImage";
  static override readonly attributes = schema;

  protected override checkOptions(): void {
    if (this.attrs.imageType === "PIL") {
      const owner = this.describeSelf();
      throw new OptionError(
        `${owner}: image_type 'PIL' is not supported: there are no Python image objects on Workers. Store images as URLs (image_type 'url') or base64 strings (image_type 'base64')`,
        { component: owner, field: "image_type", expected: "'url' or 'base64'" },
      );
    }
  }

  override get inputs(): StepColumns {
    return { ...(super.inputs as Record<string, boolean>), image: true };
  }

  formatInput(row: Row): ChatType {
    const url = imageUrlFor(row.image, this.attrs.imageType === "base64" ? "base64" : "url");
    const messages: ChatType = [
      {
        role: "user",
        content: [
          { type: "text", text: this.renderColumns(row) },
          { type: "image_url", image_url: { url } },
        ],
      },
    ];
    const system = this.systemPromptFor(row);
    if (system) messages.unshift({ role: "system", content: system });
    return messages;
  }
}
