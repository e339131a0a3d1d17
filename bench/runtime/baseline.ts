import OpenAI from "openai";

/** A tiny p-limit: runs `tasks` with at most `limit` at once. */
export async function runLimited(count: number, limit: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

/**
 * The script a user would write instead of a pipeline: the `openai` client over every prompt,
 * 64 at a time. Returns rows per second.
 */
export async function pLimitBaseline(options: { baseUrl: string; rows: number; concurrency: number }): Promise<{ seconds: number; rowsPerSecond: number }> {
  // The client's own default retries (2), as a user's script would have them.
  const client = new OpenAI({ apiKey: "bench", baseURL: options.baseUrl });
  const outputs: string[] = new Array(options.rows);
  const started = performance.now();
  await runLimited(options.rows, options.concurrency, async (i) => {
    const reply = await client.chat.completions.create({ model: "bench", messages: [{ role: "user", content: `prompt ${i}` }], max_tokens: 128 });
    outputs[i] = reply.choices[0]?.message.content ?? "";
  });
  const seconds = (performance.now() - started) / 1000;
  if (outputs.filter((o) => o !== undefined).length !== options.rows) throw new Error("baseline lost replies");
  return { seconds, rowsPerSecond: options.rows / seconds };
}
