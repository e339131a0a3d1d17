import { z } from "zod";
import { extractJsonObject } from "../support/reply-json.js";

/**
 * Reading Prometheus judge replies: "Feedback: <text> [RESULT] <score or A/B>". The last
 * "[RESULT]" counts (feedback may quote the format); a JSON `{feedback, result}` is read too.
 */

export type PrometheusMode = "absolute" | "relative";

export interface PrometheusVerdict {
  feedback: string | null;
  result: number | "A" | "B" | null;
}

const jsonVerdictSchema = z.object({ feedback: z.string(), result: z.union([z.number(), z.string()]) });

const NONE: PrometheusVerdict = { feedback: null, result: null };
const FEEDBACK_LABEL = /^(?:#+[ \t]*)?[*_]*[ \t]*feedback[ \t]*[*_]*[ \t]*:[ \t]*[*_]*[ \t]*/i;
const SCORE = /^(?:score[ \t]*[:=]?[ \t]*)?([1-5])(?:[ \t]*(?:\/|out of)[ \t]*5)?(?!\d|\.\d)/i;
const CHOICE = /^(?:[Rr]esponse|[Oo]utput|[Aa]nswer|[Oo]ption)?[ \t]*([AB])(?![A-Za-z0-9])/;

export function parsePrometheusReply(output: string | null, mode: PrometheusMode): PrometheusVerdict {
  if (output === null) return NONE;
  const json = extractJsonObject(output, jsonVerdictSchema);
  if (json) {
    const result = readResult(String(json.result), mode);
    return result === null ? NONE : { feedback: json.feedback.trim(), result };
  }
  const marker = lastMarker(output);
  if (!marker) return NONE;
  const result = readResult(output.slice(marker.end), mode);
  if (result === null) return NONE;
  const feedback = output.slice(0, marker.start).trim().replace(FEEDBACK_LABEL, "").trim();
  return { feedback, result };
}

function lastMarker(output: string): { start: number; end: number } | undefined {
  let found: { start: number; end: number } | undefined;
  for (const match of output.matchAll(/\[RESULT\]/gi)) found = { start: match.index ?? 0, end: (match.index ?? 0) + match[0].length };
  return found;
}

function readResult(text: string, mode: PrometheusMode): number | "A" | "B" | null {
  const firstLine = text.trim().split(/\r?\n/)[0] ?? "";
  const cleaned = firstLine.replace(/[*_()[\]"'`:]/g, " ").trim();
  if (mode === "absolute") {
    const match = SCORE.exec(cleaned);
    return match ? Number(match[1]) : null;
  }
  const match = CHOICE.exec(cleaned);
  return match?.[1] === "A" || match?.[1] === "B" ? match[1] : null;
}
