import type { Row } from "../../core/row.js";
import { DistilflareError } from "../../errors.js";
import { contentText } from "../../llms/chat-text.js";
import { chatSchema, type ChatType } from "../../llms/types.js";
import { EmbeddingGeneration } from "./embedding-generation.js";

/**
 * A conversation as one text for an embeddings model: each message as `<role>: <content>`,
 * messages separated by a blank line; text parts of multimodal content are joined by a
 * newline and images are left out.
 *
 * @example
 * chatToText([{ role: "user", content: "Hi" }, { role: "assistant", content: "Hello!" }])
 * // "user: Hi\n\nassistant: Hello!"
 */
export function chatToText(chat: ChatType): string {
  return chat.map((message) => `${message.role}: ${contentText(message.content)}`).join("\n\n");
}

/**
 * Embeds the `text` column, a string or an OpenAI-format conversation, into `embedding`, plus
 * `model_name` (distilabel's `GenerateEmbeddings`).
 *
 * Unlike distilabel, which takes the last-token hidden state of a local LLM (the DEITA recipe,
 * arXiv:2312.15685), this runs on an `Embeddings` model, since a Worker has no local model
 * weights: vectors come from a sentence-embedding model, and conversations are flattened with
 * `chatToText` first, so they are not interchangeable with distilabel's hidden states.
 *
 * @example
 * new GenerateEmbeddings({ embeddings });
 */
export class GenerateEmbeddings extends EmbeddingGeneration {
  static override readonly typeName: string = "GenerateEmbeddings";

  protected override textOf(row: Row): string {
    const value = row.text;
    if (typeof value === "string") return value;
    const chat = chatSchema.safeParse(value);
    if (chat.success) return chatToText(chat.data);
    throw new DistilflareError(
      "step_failed",
      `Step '${this.name}': input column 'text' must be a string or a list of {role, content} messages in OpenAI chat format`,
      { step: this.name, field: "text", expected: "a string or an OpenAI-format chat" },
    );
  }
}
