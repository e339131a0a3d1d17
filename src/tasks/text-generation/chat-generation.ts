import type { Row } from "../../core/row.js";
import { chatSchema, type ChatType } from "../../llms/types.js";
import { RowInputError } from "../support/row-input-error.js";
import { Task } from "../base/task.js";

/**
 * The row's `messages` as a chat ending with a user turn, or a `RowInputError` saying what is
 * wrong (the row then gets null outputs instead of failing the batch).
 */
export function chatInput(row: Row, field: string): ChatType {
  const parsed = chatSchema.safeParse(row[field]);
  if (!parsed.success) {
    throw new RowInputError(`input '${field}' must be an OpenAI-format chat (a list of {role, content} messages)`, {
      field,
      expected: "a list of {role: system|user|assistant, content} messages",
    });
  }
  const last = parsed.data.at(-1);
  if (!last) throw new RowInputError(`input '${field}' is an empty conversation`, { field, expected: "at least one message" });
  if (last.role !== "user") {
    throw new RowInputError(`the last message of '${field}' must be from the user, got '${last.role}'`, { field, expected: "a last message with role 'user'" });
  }
  return parsed.data;
}

/**
 * Continues a conversation (distilabel's `ChatGeneration`): input `messages` in OpenAI format,
 * whose last message must be from the user; output `generation`. A row whose conversation does
 * not end with a user message gets null outputs and a warning.
 *
 * @example
 * new ChatGeneration({ llm });
 */
export class ChatGeneration extends Task {
  static override readonly typeName = "ChatGeneration";
  static override readonly inputs = ["messages"];
  static override readonly outputs = ["generation", "model_name"];

  formatInput(row: Row): ChatType {
    return chatInput(row, "messages");
  }

  formatOutput(output: string | null): Row {
    return { generation: output };
  }
}
