import type { z } from "zod";

/**
 * Helpers for reading LLM replies that should hold JSON: models wrap it in markdown fences,
 * put a sentence before or after it, or answer in prose when no schema is enforced.
 */

const FENCE = /```[a-zA-Z0-9_-]*[ \t]*\r?\n?([\s\S]*?)```/g;
/** Candidates scanned per reply; a reply with hundreds of braces is not worth more. */
const MAX_CANDIDATES = 64;

/**
 * The first JSON object in `text` that parses (and matches `schema` when given): the whole
 * reply, then each fenced block, then each balanced `{...}` span in the prose.
 *
 * @example
 * extractJsonObject('Sure!\n```json\n{"scores": [1, 2]}\n```', schema) // { scores: [1, 2] }
 */
export function extractJsonObject<T = Record<string, unknown>>(text: string, schema?: z.ZodType<T>): T | undefined {
  for (const candidate of jsonCandidates(text)) {
    const value = tryParse(candidate);
    if (value === undefined || typeof value !== "object" || value === null || Array.isArray(value)) continue;
    if (!schema) return value as T;
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
  }
  return undefined;
}

function* jsonCandidates(text: string): Generator<string> {
  const trimmed = text.trim();
  yield trimmed;
  for (const match of trimmed.matchAll(FENCE)) if (match[1] !== undefined) yield match[1].trim();
  let emitted = 0;
  for (let start = trimmed.indexOf("{"); start !== -1 && emitted < MAX_CANDIDATES; start = trimmed.indexOf("{", start + 1)) {
    const end = balancedEnd(trimmed, start);
    if (end === -1) continue;
    emitted++;
    yield trimmed.slice(start, end + 1);
  }
}

/** Index of the brace closing the one at `start`, skipping braces inside JSON strings. */
function balancedEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return i;
  }
  return -1;
}

function tryParse(candidate: string): unknown {
  try {
    return JSON.parse(candidate) as unknown;
  } catch {
    return undefined;
  }
}

/** A finite number from a number or a numeric string ("4", " 3.5 "), else null. */
export function toNumberOrNull(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "string" && /^\s*-?\d+(?:\.\d+)?\s*$/.test(value)) return Number(value);
  return null;
}

/** An integer from a number or a numeric string, else null ("N/A", "None", "" are null). */
export function toIntegerOrNull(value: unknown): number | null {
  const n = toNumberOrNull(value);
  return n !== null && Number.isInteger(n) ? n : null;
}

/** `values` cut or padded with nulls to `length`, so per-item columns stay aligned. */
export function alignToLength<T>(values: readonly T[], length: number): Array<T | null> {
  return Array.from({ length }, (_, i) => (i < values.length ? (values[i] as T) : null));
}

/** The JSON schema of a reply object whose `properties` are all required (distilabel's pydantic reply models). */
export function objectJsonSchema(title: string, properties: Record<string, unknown>): Record<string, unknown> {
  return { type: "object", title, properties, required: Object.keys(properties), additionalProperties: false };
}

/** `length` nulls: the value of a list column whose reply could not be read. */
export function nulls(length: number): null[] {
  return Array.from({ length }, () => null);
}
