import { z } from "zod";
import { extractJsonObject, nulls, objectJsonSchema, toNumberOrNull } from "../support/reply-json.js";

/**
 * Reading the replies of the DEITA scorers (ComplexityScorer, QualityScorer): one score per
 * item, as `{"scores": [...]}` or as lines `[1] Score: 3`. A reply that does not score every
 * item exactly once gives null for all of them, since a shifted score is worse than none.
 */

/** The JSON schema of a `{"scores": [...]}` reply (distilabel's SchemaComplexityScorer / SchemaQualityScorer). */
export function scoresJsonSchema(title: string): Record<string, unknown> {
  return objectJsonSchema(title, { scores: { type: "array", title: "Scores", items: { type: "integer" } } });
}

const scoresReplySchema = z.object({ scores: z.array(z.unknown()) });

/** `[1] Score: 3`, also `1. **Score:** 3` and `(2) score = 4.5`. */
const SCORE_LINE = /^[\s>*_-]*[[(]?(\d+)[\])]?[.:]?[\s*_]*score[\s*_]*[:=]?[\s*_]*(-?\d+(?:\.\d+)?)/i;

/**
 * One score per item, in item order; `count` is how many items were scored (unknown when the
 * input row is not available: then whatever the reply scores consistently is kept).
 */
export function parseIndexedScores(output: string | null, count: number | undefined): Array<number | null> {
  if (output === null) return nulls(count ?? 0);
  const json = extractJsonObject(output, scoresReplySchema);
  if (json) {
    if (count !== undefined && json.scores.length !== count) return nulls(count);
    return json.scores.map(toNumberOrNull);
  }
  const byIndex = new Map<number, number>();
  for (const line of output.split(/\r?\n/)) {
    const match = SCORE_LINE.exec(line);
    if (!match) continue;
    const index = Number(match[1]);
    // A second score for the same item means the reply is not a clean ranking.
    if (byIndex.has(index)) return nulls(count ?? 0);
    byIndex.set(index, Number(match[2]));
  }
  const expected = count ?? byIndex.size;
  if (byIndex.size !== expected) return nulls(expected);
  const scores: number[] = [];
  for (let i = 1; i <= expected; i++) {
    const score = byIndex.get(i);
    if (score === undefined) return nulls(expected);
    scores.push(score);
  }
  return scores;
}
