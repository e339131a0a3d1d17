import { sha256 } from "../../../core/hash.js";
import type { Row } from "../../../core/row.js";
import { describeValue, isPlainObject, requireList, rowDataError, type RowLocation } from "../../../core/row-checks.js";

export interface ChatMessage {
  role: string;
  content: unknown;
}

/** `prompt_id`: the hex SHA-256 of the prompt's UTF-8 bytes, as the SFT/DPO formats define it. */
export function promptId(prompt: string): string {
  return sha256(prompt);
}

/** The system turn distilabel prepends when `system_prompt` is a non-empty string. */
export function systemTurn(row: Row): ChatMessage[] {
  const system = row.system_prompt;
  return typeof system === "string" && system.length > 0 ? [{ role: "system", content: system }] : [];
}

export function requireMessages(row: Row, where: RowLocation): ChatMessage[] {
  const messages = requireList(row, "messages", where);
  for (const [i, turn] of messages.entries()) {
    if (!isPlainObject(turn) || typeof turn.role !== "string") {
      throw rowDataError(where, "messages", `turn ${i} must be an object with a string 'role', got ${describeValue(turn)}`);
    }
  }
  return messages as ChatMessage[];
}

/** The content of the first user turn: the prompt of a chat. */
export function firstUserPrompt(messages: readonly ChatMessage[], where: RowLocation): string {
  const turn = messages.find((m) => m.role === "user");
  if (!turn) throw rowDataError(where, "messages", "has no turn with role 'user' to take the prompt from");
  if (typeof turn.content !== "string")
    throw rowDataError(where, "messages", `the first user turn must have string content, got ${describeValue(turn.content)}`);
  return turn.content;
}
