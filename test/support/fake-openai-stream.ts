/**
 * Server-sent events of the fake OpenAI-compatible server: a whole chat completion or completion
 * cut into the chunks a streaming server sends (`stream: true`), usage last when the request
 * asked for it (`stream_options.include_usage`).
 */

type Json = Record<string, unknown>;

/** Whether a generation request asked for a streamed reply. */
export function wantsStream(route: string, body: unknown): boolean {
  return (route === "chat" || route === "completions") && (body as { stream?: unknown } | null)?.stream === true;
}

export function wantsUsage(body: unknown): boolean {
  return (body as { stream_options?: { include_usage?: unknown } } | null)?.stream_options?.include_usage === true;
}

/** Splits a text in two, so clients must join the deltas. */
function halves(text: string): [string, string] {
  const middle = Math.ceil(text.length / 2);
  return [text.slice(0, middle), text.slice(middle)];
}

/** The chunks of `response` (a full chat completion or completion), in the order a server sends them. */
export function streamChunks(route: "chat" | "completions", response: Json, includeUsage: boolean): Json[] {
  const { id, created, model } = response;
  const object = route === "chat" ? "chat.completion.chunk" : "text_completion";
  const base = { id, object, created, model };
  const chunks: Json[] = [];
  for (const choice of response.choices as Json[]) {
    const index = choice.index;
    if (route === "chat") {
      const content = ((choice.message as Json).content as string | null) ?? "";
      const [first, second] = halves(content);
      chunks.push({ ...base, choices: [{ index, delta: { role: "assistant", content: first }, logprobs: choice.logprobs ?? null, finish_reason: null }] });
      chunks.push({ ...base, choices: [{ index, delta: { content: second }, logprobs: null, finish_reason: null }] });
      chunks.push({ ...base, choices: [{ index, delta: {}, logprobs: null, finish_reason: choice.finish_reason }] });
    } else {
      const [first, second] = halves(String(choice.text ?? ""));
      chunks.push({ ...base, choices: [{ index, text: first, logprobs: choice.logprobs ?? null, finish_reason: null }] });
      chunks.push({ ...base, choices: [{ index, text: second, logprobs: null, finish_reason: choice.finish_reason }] });
    }
  }
  if (includeUsage && response.usage) chunks.push({ ...base, choices: [], usage: response.usage });
  return chunks;
}

export function sseEvent(data: unknown): string {
  return `data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`;
}
