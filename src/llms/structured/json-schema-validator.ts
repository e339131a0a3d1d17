import { MAX_REGEX_REPLY_CHARS, unsafeRegexReason } from "./bounded-regex.js";
import { z } from "zod";
import { OptionError } from "../../errors.js";
import type { StructuredOutput } from "../types.js";

const compiled = new Map<string, z.ZodType>();

/**
 * A JSON schema as a zod validator (zod 4's `fromJSONSchema`), cached by the schema's text.
 * A schema zod cannot read is an option error naming the problem.
 */
export function compileJsonSchema(schema: Record<string, unknown>): z.ZodType {
  const key = JSON.stringify(schema);
  const hit = compiled.get(key);
  if (hit) return hit;
  let validator: z.ZodType;
  try {
    validator = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
  } catch (error) {
    throw new OptionError(`structured_output.schema is not a JSON schema we can validate: ${error instanceof Error ? error.message : String(error)}`, {
      field: "structured_output.schema",
      expected: "a JSON schema (type/properties/required/items/enum/minimum/maximum...)",
    });
  }
  if (compiled.size > 256) compiled.clear();
  compiled.set(key, validator);
  return validator;
}

/** The structured output's JSON schema as an object (a string schema is parsed). */
export function jsonSchemaOf(structured: StructuredOutput): Record<string, unknown> {
  if (typeof structured.schema !== "string") return structured.schema;
  try {
    const parsed = JSON.parse(structured.schema) as unknown;
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new OptionError("structured_output.schema must be a JSON schema object (or its JSON text) when format is 'json'", {
    field: "structured_output.schema",
    expected: "a JSON schema object",
  });
}

/** The JSON schema of a provider that takes no regex; `who` starts the refusal (`AnthropicLLM takes`). */
export function jsonSchemaOnly(structured: StructuredOutput, who: string): Record<string, unknown> {
  if (structured.format === "regex")
    throw new OptionError(`${who} JSON-schema structured output only, not regex`, { field: "structured_output.format", expected: "json" });
  return jsonSchemaOf(structured);
}

/** The structured output's name as OpenAI and Anthropic require names: `^[a-zA-Z0-9_-]{1,64}$`. */
export function schemaName(structured: StructuredOutput): string {
  return (structured.name ?? "structured_output").replace(/[^a-zA-Z0-9_-]/g, "_").slice(0, 64) || "structured_output";
}

type CheckedGeneration = { ok: true; text: string } | { ok: false; error: string };

/**
 * Checks one reply against the requested structure. A JSON reply wrapped in a single Markdown
 * code fence is unwrapped (models without constrained decoding often add one).
 */
export function checkStructuredReply(text: string, structured: StructuredOutput): CheckedGeneration {
  if (structured.format === "regex") {
    const pattern = typeof structured.schema === "string" ? structured.schema : String(structured.schema.pattern ?? "");
    const unsafe = unsafeRegexReason(pattern);
    if (unsafe) return { ok: false, error: `the structured-output regex cannot be used: ${unsafe}` };
    if (text.length > MAX_REGEX_REPLY_CHARS)
      return { ok: false, error: `reply is ${text.length} characters long; a regex is checked against at most ${MAX_REGEX_REPLY_CHARS}` };
    return new RegExp(`^(?:${pattern})$`, "s").test(text) ? { ok: true, text } : { ok: false, error: `reply does not match the regex ${pattern}` };
  }
  const candidate = unfence(text);
  let value: unknown;
  try {
    value = JSON.parse(candidate);
  } catch (error) {
    return { ok: false, error: `reply is not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  const result = compileJsonSchema(jsonSchemaOf(structured)).safeParse(value);
  if (result.success) return { ok: true, text: candidate };
  const issues = result.error.issues.slice(0, 3).map((issue) => `${issue.path.map(String).join(".") || "(root)"}: ${issue.message}`);
  return { ok: false, error: `reply does not match the JSON schema: ${issues.join("; ")}` };
}

function unfence(text: string): string {
  const match = /^\s*```(?:json)?\s*\n([\s\S]*?)\n?```\s*$/.exec(text);
  return match?.[1] ?? text.trim();
}

/**
 * Applies `checkStructuredReply` to every generation: invalid ones become null, and the reasons
 * are joined into the output's error (the task then records it in the row's metadata).
 */
export function enforceStructuredOutput(
  generations: Array<string | null>,
  structured: StructuredOutput | undefined,
): { generations: Array<string | null>; error: string | undefined } {
  if (!structured) return { generations, error: undefined };
  const errors: string[] = [];
  const checked = generations.map((text, i) => {
    if (text === null) return null;
    const result = checkStructuredReply(text, structured);
    if (result.ok) return result.text;
    errors.push(generations.length > 1 ? `generation ${i}: ${result.error}` : result.error);
    return null;
  });
  return { generations: checked, error: errors.length > 0 ? errors.join(" | ") : undefined };
}

/**
 * Whether OpenAI's `strict: true` accepts the schema: every object lists all its properties as
 * required and forbids additional ones. Sending `strict` with any other schema is a 400.
 */
export function isStrictCompatible(schema: unknown): boolean {
  if (Array.isArray(schema)) return schema.every(isStrictCompatible);
  if (!schema || typeof schema !== "object") return true;
  const node = schema as Record<string, unknown>;
  if (node.properties && typeof node.properties === "object") {
    const keys = Object.keys(node.properties);
    const required = Array.isArray(node.required) ? node.required : [];
    if (node.additionalProperties !== false || !keys.every((k) => required.includes(k))) return false;
  }
  return Object.values(node).every((value) => (value && typeof value === "object" ? isStrictCompatible(value) : true));
}
