import { z } from "zod";

/** One request of a batch input file (OpenAI's Batch API format). */
export interface BatchRequestLine {
  custom_id: string;
  method: "POST";
  url: string;
  body: Record<string, unknown>;
}

export function batchJsonl(lines: readonly BatchRequestLine[]): string {
  return lines.map((line) => JSON.stringify(line)).join("\n") + "\n";
}

/**
 * One line of an output or error file. A request the provider answered has `response`
 * (`status_code` and the body an online call would get); a request it could not run has
 * `error`, or a response with a non-200 status.
 */
export const batchResultLineSchema = z.object({
  custom_id: z.string(),
  response: z.object({ status_code: z.number(), body: z.unknown() }).nullish(),
  error: z.object({ code: z.string().nullish(), message: z.string().nullish() }).nullish(),
});
export type BatchResultLine = z.infer<typeof batchResultLineSchema>;

/** A request's outcome: the response body, or why there is none. */
export type BatchOutcome = { body: unknown } | { error: string };

/** Reads output and error files into one map by `custom_id`; a line that does not parse is skipped (its request counts as missing). */
export function parseBatchResults(...files: ReadonlyArray<string | undefined>): Map<string, BatchResultLine> {
  const results = new Map<string, BatchResultLine>();
  for (const text of files) {
    for (const raw of (text ?? "").split("\n")) {
      if (raw.trim() === "") continue;
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch {
        continue;
      }
      const parsed = batchResultLineSchema.safeParse(json);
      // An answer wins over an error line for the same request (a retried line).
      if (parsed.success && !(results.has(parsed.data.custom_id) && parsed.data.error)) results.set(parsed.data.custom_id, parsed.data);
    }
  }
  return results;
}

/** The outcome of request `customId`; `missing` says why a request without any line has none. */
export function batchOutcome(results: ReadonlyMap<string, BatchResultLine>, customId: string, missing: string): BatchOutcome {
  const line = results.get(customId);
  if (!line) return { error: missing };
  if (line.error) return { error: `${line.error.code ?? "error"}: ${line.error.message ?? "the batch request failed"}` };
  if (!line.response) return { error: missing };
  if (line.response.status_code !== 200) {
    const message = (line.response.body as { error?: { message?: unknown } } | null)?.error?.message;
    return { error: `HTTP ${line.response.status_code}${typeof message === "string" ? `: ${message}` : ""}` };
  }
  return { body: line.response.body };
}
