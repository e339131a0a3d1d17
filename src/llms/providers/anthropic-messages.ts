import { z } from "zod";
import type { ChatMessage, ChatType } from "../types.js";

type AnthropicBlock =
  | { type: "text"; text: string }
  | { type: "image"; source: { type: "base64"; media_type: string; data: string } | { type: "url"; url: string } };

export interface AnthropicMessage {
  role: "user" | "assistant";
  content: string | AnthropicBlock[];
}

/** An OpenAI-format chat as the Messages API wants it: system prompts apart, images as image blocks. */
export function toAnthropicMessages(input: ChatType | string): { system: string | undefined; messages: AnthropicMessage[] } {
  if (typeof input === "string") return { system: undefined, messages: [{ role: "user", content: input }] };
  const system = input
    .filter((m) => m.role === "system")
    .map((m) => (typeof m.content === "string" ? m.content : m.content.map((p) => (p.type === "text" ? p.text : "")).join("\n")))
    .join("\n\n");
  const messages = input.filter((m) => m.role !== "system").map((m) => ({ role: m.role as "user" | "assistant", content: toBlocks(m.content) }));
  return { system: system.length > 0 ? system : undefined, messages };
}

function toBlocks(content: ChatMessage["content"]): string | AnthropicBlock[] {
  if (typeof content === "string") return content;
  return content.map((part): AnthropicBlock => {
    if (part.type === "text") return { type: "text", text: part.text };
    const data = /^data:([^;]+);base64,(.*)$/s.exec(part.image_url.url);
    if (data) return { type: "image", source: { type: "base64", media_type: data[1] ?? "image/png", data: data[2] ?? "" } };
    return { type: "image", source: { type: "url", url: part.image_url.url } };
  });
}

export const anthropicResponseSchema = z.object({
  content: z.array(z.object({ type: z.string(), text: z.string().optional(), input: z.unknown().optional() })),
  stop_reason: z.string().nullish(),
  usage: z.object({ input_tokens: z.number().nullish(), output_tokens: z.number().nullish() }).nullish(),
});

/** The reply text: a forced tool call's input as JSON (structured output), else the text blocks. */
export function anthropicReplyText(response: z.infer<typeof anthropicResponseSchema>): string | null {
  const tool = response.content.find((block) => block.type === "tool_use");
  if (tool) return JSON.stringify(tool.input ?? null);
  const texts = response.content.filter((block) => block.type === "text" && typeof block.text === "string").map((block) => block.text as string);
  return texts.length > 0 ? texts.join("") : null;
}
