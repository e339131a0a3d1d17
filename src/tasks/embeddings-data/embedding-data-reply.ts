import { z } from "zod";
import { extractJsonObject } from "../support/reply-json.js";

/**
 * Readers for the replies of the "Improving Text Embeddings with LLMs" tasks: one JSON object
 * with known keys, or (for brainstorming) a list of strings. Models writing long documents
 * often put raw line breaks inside JSON strings, and brainstormed lists come as Python literals
 * as often as JSON; both are accepted.
 */

const FENCE = /```[a-zA-Z0-9_-]*[ \t]*\r?\n?([\s\S]*?)```/g;
const ESCAPES: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** `text` with raw newlines and tabs inside double-quoted strings escaped, so JSON.parse takes it. */
export function escapeControlCharactersInStrings(text: string): string {
  let out = "";
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (inString && c === "\\") {
      out += c + (text[i + 1] ?? "");
      i++;
      continue;
    }
    if (c === '"') inString = !inString;
    out += inString ? (ESCAPES[c] ?? c) : c;
  }
  return out;
}

/** A field's value as text: strings trimmed (empty is null), numbers and booleans written out, else null. */
function fieldText(value: unknown): string | null {
  if (typeof value === "string") return value.trim() === "" ? null : value.trim();
  if ((typeof value === "number" && Number.isFinite(value)) || typeof value === "boolean") return String(value);
  return null;
}

/**
 * The string values of `keys` in the first JSON object of the reply that has at least one of
 * them (keys matched exactly, else ignoring case); a missing key is null, and so is every key
 * when there is no reply. Throws when no such object is there, so the task keeps the raw reply and nulls.
 *
 * @example
 * readJsonFields('```json\n{"S1": "a", "S2": "b"}\n```', ["S1", "S2", "S3"]) // { S1: "a", S2: "b", S3: null }
 */
export function readJsonFields(output: string | null, keys: readonly string[]): Record<string, string | null> {
  if (output === null) return Object.fromEntries(keys.map((key) => [key, null]));
  const lower = keys.map((k) => k.toLowerCase());
  const withKey = z.record(z.string(), z.unknown()).refine((object) => Object.keys(object).some((k) => lower.includes(k.toLowerCase())));
  const found = extractJsonObject(output, withKey) ?? extractJsonObject(escapeControlCharactersInStrings(output), withKey);
  if (!found) throw new Error(`the reply holds no JSON object with any of the keys ${keys.map((k) => `"${k}"`).join(", ")}`);
  const byLowerKey = new Map(Object.entries(found).map(([k, v]) => [k.toLowerCase(), v]));
  return Object.fromEntries(keys.map((key) => [key, fieldText(key in found ? found[key] : byLowerKey.get(key.toLowerCase()))]));
}

/**
 * The list of strings in a reply: a JSON array or a Python list literal (single or double
 * quotes), as the whole reply, in a fenced block or between the first `[` and the last `]`;
 * also `{"tasks": [...]}`. Items are trimmed and empty ones dropped. Undefined when there is none.
 */
export function readStringList(output: string): string[] | undefined {
  for (const candidate of listCandidates(output)) {
    const list = parseList(candidate) ?? parseList(escapeControlCharactersInStrings(candidate));
    if (list) return list.map((item) => item.trim()).filter((item) => item !== "");
  }
  return undefined;
}

function* listCandidates(output: string): Generator<string> {
  const trimmed = output.trim();
  yield trimmed;
  for (const match of trimmed.matchAll(FENCE)) if (match[1] !== undefined) yield match[1].trim();
  const start = trimmed.indexOf("[");
  const end = trimmed.lastIndexOf("]");
  if (start !== -1 && end > start) yield trimmed.slice(start, end + 1);
}

function parseList(candidate: string): string[] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(candidate);
  } catch {
    return parsePythonStringList(candidate);
  }
  if (value && typeof value === "object" && !Array.isArray(value)) value = (value as Record<string, unknown>).tasks;
  return Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === "string") ? (value as string[]) : undefined;
}

const PYTHON_ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r" };

/** A Python list of string literals (`['a', "b's"]`, trailing comma allowed), else undefined. */
export function parsePythonStringList(text: string): string[] | undefined {
  let i = 0;
  const skipSpace = (): void => {
    while (i < text.length && /\s/.test(text[i] as string)) i++;
  };
  skipSpace();
  if (text[i] !== "[") return undefined;
  i++;
  const items: string[] = [];
  for (;;) {
    skipSpace();
    if (text[i] === "]") break;
    const quote = text[i];
    if (quote !== "'" && quote !== '"') return undefined;
    i++;
    let item = "";
    while (i < text.length && text[i] !== quote) {
      if (text[i] === "\\" && i + 1 < text.length) {
        const next = text[i + 1] as string;
        item += PYTHON_ESCAPES[next] ?? next;
        i += 2;
        continue;
      }
      item += text[i];
      i++;
    }
    if (i >= text.length) return undefined;
    i++;
    items.push(item);
    skipSpace();
    if (text[i] === ",") {
      i++;
      continue;
    }
    if (text[i] !== "]") return undefined;
    break;
  }
  i++;
  skipSpace();
  return i === text.length && items.length > 0 ? items : undefined;
}
