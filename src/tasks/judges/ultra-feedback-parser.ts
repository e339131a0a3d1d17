import { z } from "zod";
import type { Row } from "../../core/row.js";
import { alignToLength, extractJsonObject, nulls } from "../support/reply-json.js";

/**
 * Reading UltraFeedback replies into per-generation lists. Replies come as JSON (with the
 * default structured output) or as one block per text:
 *
 *   #### Output for Text 1
 *   Type: 1, 3            (helpfulness / truthfulness only)
 *   Rationale: ...
 *   Rating: 4
 *   Rationale: ...
 *
 * Every list has one entry per generation; what a reply leaves out is null, "N/A" is null.
 */

export const RATIONALES_FOR_RATINGS = "rationales-for-ratings";

const jsonReplySchema = z.object({
  ratings: z.array(z.unknown()),
  rationales: z.array(z.unknown()).optional(),
  types: z.array(z.unknown()).optional(),
  rationales_for_rating: z.array(z.unknown()).optional(),
  rationales_for_ratings: z.array(z.unknown()).optional(),
  [RATIONALES_FOR_RATINGS]: z.array(z.unknown()).optional(),
});

/** A header line alone: `#### Output for Text 2`, `**Text 2**`, `Text 2:`. */
const HEADER = /^[ \t]*(?:#{1,6}[ \t]*)?[*_]*[ \t]*(?:output[ \t]+for[ \t]+)?(?:text|response)[ \t]*(\d+)[ \t]*[*_:]*[ \t]*$/gim;
/** A field label at the start of a line: `Rating:`, `- **Rationale**:`, `Rationale for rating:`. */
const LABEL =
  /^[ \t]*(?:[-*][ \t]+)?[*_]*[ \t]*(type|types|rating|rationale|rationale[ \t]+for[ \t]+(?:the[ \t]+)?rating|rating[ \t]+rationale)[ \t]*[*_]*[ \t]*:[ \t]*[*_]*/gim;

interface Field {
  label: "type" | "rating" | "rationale" | "rating-rationale";
  value: string;
}

interface BlockValues {
  types: number | null;
  rationales: string | null;
  ratings: number | null;
  [RATIONALES_FOR_RATINGS]: string | null;
}

/** The output columns of an UltraFeedback reply, each a list with one entry per generation. */
export function parseUltraFeedback(output: string | null, count: number | undefined, withTypes: boolean): Row {
  const columns = withTypes ? ["types", "rationales", "ratings", RATIONALES_FOR_RATINGS] : ["ratings", "rationales"];
  const empty = (n: number): Row => Object.fromEntries(columns.map((c) => [c, nulls(n)]));
  if (output === null) return empty(count ?? 0);

  const json = extractJsonObject(output, jsonReplySchema);
  if (json) {
    const n = count ?? json.ratings.length;
    const forRatings = json.rationales_for_rating ?? json.rationales_for_ratings ?? json[RATIONALES_FOR_RATINGS] ?? [];
    const all: Row = {
      ratings: alignToLength(json.ratings.map(readNumberField), n),
      rationales: alignToLength((json.rationales ?? []).map(readText), n),
      types: alignToLength((json.types ?? []).map(readNumberField), n),
      [RATIONALES_FOR_RATINGS]: alignToLength(forRatings.map(readText), n),
    };
    return Object.fromEntries(columns.map((c) => [c, all[c]]));
  }

  const blocks = splitBlocks(output);
  const n = count ?? blocks.length;
  const out = empty(n) as Record<string, unknown[]>;
  blocks.slice(0, n).forEach((block, i) => {
    if (block === undefined) return;
    const values = readBlock(block);
    if (!values) return;
    for (const column of columns) (out[column] as unknown[])[i] = values[column as keyof BlockValues];
  });
  return out;
}

/** Block texts by generation position (sparse where a text has no block). */
function splitBlocks(output: string): Array<string | undefined> {
  const headers = [...output.matchAll(HEADER)];
  if (headers.length > 0) {
    const blocks: Array<string | undefined> = [];
    headers.forEach((header, i) => {
      const index = Number(header[1]) - 1;
      const start = (header.index ?? 0) + header[0].length;
      const end = headers[i + 1]?.index ?? output.length;
      if (index >= 0 && blocks[index] === undefined) blocks[index] = output.slice(start, end);
    });
    return blocks;
  }
  // No headers: distilabel's layout, one blank-line separated block per text.
  return output
    .split(/\r?\n[ \t]*\r?\n/)
    .filter((block) => /rating[ \t]*[*_]*[ \t]*:/i.test(block))
    .flatMap(splitRunTogether);
}

/** A block rating several texts without blank lines between them, cut where its first field recurs. */
function splitRunTogether(block: string): string[] {
  const labels = [...block.matchAll(LABEL)].map((m) => ({ at: m.index ?? 0, label: normaliseLabel(m[1] ?? "") }));
  const lead = labels[0]?.label;
  if (labels.filter((l) => l.label === "rating").length < 2) return [block];
  const starts = labels.filter((l) => l.label === lead).map((l) => l.at);
  return starts.map((start, i) => block.slice(start, starts[i + 1] ?? block.length));
}

function readBlock(block: string): BlockValues | undefined {
  const fields = readFields(block);
  const ratingAt = fields.findIndex((f) => f.label === "rating");
  if (ratingAt === -1) return undefined;
  const rationaleBefore = fields.slice(0, ratingAt).find((f) => f.label === "rationale");
  const after = fields.slice(ratingAt + 1);
  const rationaleAfter = after.find((f) => f.label === "rating-rationale") ?? after.find((f) => f.label === "rationale");
  const type = fields.find((f) => f.label === "type");
  return {
    types: type ? readNumberField(type.value) : null,
    // Without types the only rationale is the rating's, before or after it.
    rationales: (rationaleBefore ?? rationaleAfter)?.value ?? null,
    ratings: readNumberField(fields[ratingAt]?.value),
    [RATIONALES_FOR_RATINGS]: rationaleBefore ? (rationaleAfter?.value ?? null) : null,
  };
}

function readFields(block: string): Field[] {
  const labels = [...block.matchAll(LABEL)];
  return labels.map((label, i) => {
    const start = (label.index ?? 0) + label[0].length;
    const end = labels[i + 1]?.index ?? block.length;
    const value = block
      .slice(start, end)
      .trim()
      .replace(/^[*_]+|[*_]+$/g, "")
      .trim();
    return { label: normaliseLabel(label[1] ?? ""), value };
  });
}

function normaliseLabel(label: string): Field["label"] {
  const l = label.toLowerCase().replace(/\s+/g, " ");
  if (l.startsWith("type")) return "type";
  if (l === "rating") return "rating";
  if (l === "rationale") return "rationale";
  return "rating-rationale";
}

/** The first integer of a rating or type value; "N/A", "None" and the like are null. */
function readNumberField(value: unknown): number | null {
  if (typeof value === "number") return Number.isInteger(value) ? value : null;
  if (Array.isArray(value)) return readNumberField(value[0]);
  if (typeof value !== "string") return null;
  const firstLine = value.trim().split(/\r?\n/)[0] ?? "";
  if (/^[\s*_"'[(]*(?:n\/a|na|none|null)\b/i.test(firstLine)) return null;
  const match = /\b\d+\b/.exec(firstLine);
  return match ? Number(match[0]) : null;
}

function readText(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}
