import type { ChatMessage, ChatType } from "./types.js";

/** The text of a message's content (image parts are left out). */
export function contentText(content: ChatMessage["content"]): string {
  if (typeof content === "string") return content;
  return content
    .filter((part): part is { type: "text"; text: string } => part.type === "text")
    .map((part) => part.text)
    .join("\n");
}

/**
 * A rough token count for rate-limit budgets (about 4 characters a token in English). Only used
 * to reserve capacity; the real usage is reported back after the call.
 */
export function estimateTokens(input: ChatType | string): number {
  const text = typeof input === "string" ? input : input.map((m) => contentText(m.content)).join("\n");
  return Math.ceil(text.length / 4) + (typeof input === "string" ? 0 : input.length * 4);
}
