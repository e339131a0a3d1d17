import { APIError } from "openai";
import { z } from "zod";
import { usageSchema } from "./openai-response.js";

/**
 * Streamed replies of OpenAI-compatible APIs (`stream: true`): the chunks are joined back into
 * the body a non-streaming call returns, so one parser (`parseOpenAIResponse`) reads both.
 * Streaming matters on Workers: a connection counts against the invocation's 6 only until its
 * response headers arrive, and a streaming server sends them at once.
 */

/** A chunk: `choices` with the fields of its kind (a chat's `delta`, a completion's `text`), and usage in the last one. */
function chunkSchema<T extends z.ZodRawShape>(choiceFields: T) {
  const choice = z.object({ index: z.number().int().nonnegative().default(0), finish_reason: z.string().nullish(), ...choiceFields });
  return z.object({ choices: z.array(choice), usage: usageSchema });
}

const chatChunkSchema = chunkSchema({
  delta: z.object({ content: z.string().nullish() }).nullish(),
  logprobs: z.object({ content: z.array(z.unknown()).nullish() }).nullish(),
});

const completionChunkSchema = chunkSchema({
  text: z.string().nullish(),
  logprobs: z
    .object({ tokens: z.array(z.unknown()).nullish(), token_logprobs: z.array(z.unknown()).nullish(), top_logprobs: z.array(z.unknown()).nullish() })
    .nullish(),
});

/** The stream ended before every choice had its `finish_reason`: the connection broke mid-reply. */
export class IncompleteStreamError extends Error {
  override readonly name = "IncompleteStreamError";
}

/**
 * The JSON chunks of a whole server-sent-event body, as the `openai` SDK's stream yields them
 * (`data:` lines joined, `[DONE]` ends it, a chunk carrying `error` is the provider's error).
 * The reply is read in one piece instead: the SDK's stream costs an async step per network
 * chunk and per event, which at hundreds of calls per second was a large share of the CPU.
 */
export function serverSentChunks(body: string, headers?: Headers): unknown[] {
  const chunks: unknown[] = [];
  for (const block of body.split(/\r?\n\r?\n|\r\r/)) {
    const data: string[] = [];
    for (const line of block.split(/\r?\n|\r/)) {
      if (line === "" || line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "data") data.push(value);
    }
    if (data.length === 0) continue;
    const text = data.join("\n");
    if (text.startsWith("[DONE]")) break;
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === "object" && "error" in parsed && parsed.error) throw new APIError(undefined, parsed.error as object, undefined, headers);
    chunks.push(parsed);
  }
  return chunks;
}

interface ChoiceParts {
  text: string | null;
  finishReason: string | null;
  logprobs: Record<string, unknown[]> | null;
}

/**
 * Reads a stream of chunks to its end and returns the equivalent non-streaming body
 * (`choices[].message.content` for chat, `choices[].text` for completions, `usage`).
 * Throws `IncompleteStreamError` when a choice never finished (a retryable network failure).
 */
export async function collectStream(chunks: Iterable<unknown> | AsyncIterable<unknown>, kind: "chat" | "completion"): Promise<Record<string, unknown>> {
  const choices = new Map<number, ChoiceParts>();
  let usage: z.infer<typeof usageSchema>;
  for await (const raw of chunks) {
    const parsed = (kind === "chat" ? chatChunkSchema : completionChunkSchema).safeParse(raw);
    if (!parsed.success) throw new Error(`malformed stream chunk: ${parsed.error.issues[0]?.message ?? "unexpected shape"}`);
    if (parsed.data.usage) usage = parsed.data.usage;
    for (const choice of parsed.data.choices) {
      const parts = choices.get(choice.index) ?? { text: null, finishReason: null, logprobs: null };
      choices.set(choice.index, parts);
      const text = "delta" in choice ? choice.delta?.content : (choice as { text?: string | null }).text;
      if (typeof text === "string") parts.text = (parts.text ?? "") + text;
      if (choice.finish_reason) parts.finishReason = choice.finish_reason;
      const logprobs = choice.logprobs as Record<string, unknown[] | null | undefined> | null | undefined;
      for (const [key, values] of Object.entries(logprobs ?? {})) {
        if (!values) continue;
        parts.logprobs ??= {};
        (parts.logprobs[key] ??= []).push(...values);
      }
    }
  }
  const ordered = [...choices.entries()].sort(([a], [b]) => a - b).map(([, parts]) => parts);
  if (ordered.length === 0 || ordered.some((parts) => parts.finishReason === null)) {
    throw new IncompleteStreamError("the streamed reply ended before it was complete (connection lost mid-stream)");
  }
  return {
    choices: ordered.map((parts) =>
      kind === "chat"
        ? { message: { content: parts.text }, finish_reason: parts.finishReason, logprobs: parts.logprobs }
        : { text: parts.text, finish_reason: parts.finishReason, logprobs: parts.logprobs },
    ),
    usage: usage ?? null,
  };
}
