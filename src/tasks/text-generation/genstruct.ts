import type { Row } from "../../core/row.js";
import type { ChatType } from "../../llms/types.js";
import { renderTemplate } from "../../templates/render.js";
import { Task } from "../base/task.js";
import { GENSTRUCT_TEMPLATE } from "../templates/genstruct.js";

const ASSISTANT_MARKER = /\[\[\[\s*Assistant\s*\]\]\]/i;
const USER_MARKER = /^\s*\[\[\[\s*User\s*\]\]\]/i;

/**
 * Writes an instruction and its answer grounded in a document (distilabel's `Genstruct`, the
 * Genstruct 7B format). Inputs `title`, `content`; outputs `user` and `assistant`, split at the
 * reply's `[[[Assistant]]]` marker.
 *
 * @example
 * new Genstruct({ llm }); // best with NousResearch/Genstruct-7B
 */
export class Genstruct extends Task {
  static override readonly typeName = "Genstruct";
  static override readonly inputs = ["title", "content"];
  static override readonly outputs = ["user", "assistant", "model_name"];

  formatInput(row: Row): ChatType {
    return [{ role: "user", content: renderTemplate(GENSTRUCT_TEMPLATE, { title: row.title, content: row.content }) }];
  }

  formatOutput(output: string | null): Row {
    if (output === null) return { user: null, assistant: null };
    const match = ASSISTANT_MARKER.exec(output);
    if (!match) throw new Error("the reply has no [[[Assistant]]] marker separating the question from the answer");
    const user = output.slice(0, match.index).replace(USER_MARKER, "").trim();
    const assistant = output.slice(match.index + match[0].length).trim();
    if (!user || !assistant) throw new Error("the reply's question or answer is empty");
    return { user, assistant };
  }
}
