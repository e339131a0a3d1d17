import type { Row } from "../../core/row.js";
import type { ChatType } from "../../llms/types.js";
import { renderTemplate } from "../../templates/render.js";
import { chatInput } from "./chat-generation.js";
import { Task } from "../base/task.js";
import { URIAL_TEMPLATE } from "../templates/urial.js";

/**
 * Answers with a base (non-instruct) model through the URIAL few-shot prompt (distilabel's
 * `URIAL`, after arXiv:2312.01552). Input `instruction` or `conversation` (ending with a user
 * message); the LLM gets one raw completion prompt, so use a completion-style model. Output
 * `generation`, cut where the model starts another `# User:` turn.
 *
 * @example
 * new URIAL({ llm: baseModel });
 */
export class URIAL extends Task {
  static override readonly typeName = "URIAL";
  static override readonly inputs = { instruction: false, conversation: false };
  static override readonly outputs = ["generation", "model_name"];

  formatInput(row: Row): string {
    const messages: ChatType = typeof row.instruction === "string" ? [{ role: "user", content: row.instruction }] : chatInput(row, "conversation");
    return renderTemplate(URIAL_TEMPLATE, { messages });
  }

  formatOutput(output: string | null): Row {
    if (output === null) return { generation: null };
    const reply = (output.split(/\n\s*# User\b/)[0] ?? "").replace(/^\s*# Assistant:\s*/, "").trim();
    if (!reply) throw new Error("the completion is empty before the next turn");
    return { generation: reply };
  }
}
