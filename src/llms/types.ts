import { z } from "zod";
import { unsafeRegexReason } from "./structured/bounded-regex.js";

export const textContentSchema = z.object({ type: z.literal("text"), text: z.string() });
export const imageContentSchema = z.object({ type: z.literal("image_url"), image_url: z.object({ url: z.string() }) });

export const chatMessageSchema = z.object({
  role: z.enum(["system", "user", "assistant"]),
  content: z.union([z.string(), z.array(z.union([textContentSchema, imageContentSchema]))]),
});

/** An OpenAI-format conversation (distilabel's `ChatType`). */
export const chatSchema = z.array(chatMessageSchema);

export type ChatMessage = z.infer<typeof chatMessageSchema>;
export type ChatType = z.infer<typeof chatSchema>;

/** A zod schema given in TypeScript becomes its JSON schema, which serializes and every provider understands. */
function zodToJsonSchema(value: unknown): unknown {
  if (!(value instanceof z.ZodType)) return value;
  const { $schema: _dialect, ...json } = z.toJSONSchema(value, { unrepresentable: "any" }) as Record<string, unknown>;
  return json;
}

/**
 * A structured-output request: a JSON schema the reply must follow (`format: "json"`), or a
 * regex where the provider supports one.
 */
export const structuredOutputSchema = z
  .object({
    format: z.enum(["json", "regex"]).default("json"),
    /** A JSON schema (or a zod schema, converted), or a regex when `format` is `regex`. */
    schema: z.preprocess(zodToJsonSchema, z.union([z.record(z.string(), z.unknown()), z.string()])),
    /** The name providers show for the schema (OpenAI `json_schema.name`). */
    name: z.string().optional(),
  })
  .superRefine((value, ctx) => {
    if (value.format !== "regex") return;
    const pattern = typeof value.schema === "string" ? value.schema : String(value.schema.pattern ?? "");
    const unsafe = unsafeRegexReason(pattern);
    if (unsafe) ctx.addIssue({ code: "custom", path: ["schema"], message: unsafe });
  });
export type StructuredOutput = z.infer<typeof structuredOutputSchema>;

/**
 * What a task hands the LLM for one row: a chat, a raw prompt string (completion-style and
 * Magpie pre-query templates), or either with a per-row structured output.
 */
export type FormattedInput = ChatType | string | { input: ChatType | string; structuredOutput: StructuredOutput | undefined };

export function splitFormattedInput(input: FormattedInput): { input: ChatType | string; structuredOutput: StructuredOutput | undefined } {
  if (typeof input === "string" || Array.isArray(input)) return { input, structuredOutput: undefined };
  return input;
}

export interface GenerationStatistics {
  input_tokens: number[];
  output_tokens: number[];
}

/** The result of generating for one input (distilabel's `GenerateOutput`). */
export interface GenerateOutput {
  /** One entry per generation; null where the provider gave nothing usable. */
  generations: Array<string | null>;
  statistics: GenerationStatistics;
  /** Why generations are null, when a call failed after its retries. */
  error?: string | undefined;
  /** Extra per-generation values (logprobs...), surfaced as `llm_<step>_<key>` columns. */
  extra?: Record<string, unknown[]> | undefined;
}

export function emptyOutput(numGenerations: number, error?: string): GenerateOutput {
  return {
    generations: Array.from({ length: numGenerations }, () => null),
    statistics: { input_tokens: Array.from({ length: numGenerations }, () => 0), output_tokens: Array.from({ length: numGenerations }, () => 0) },
    error,
  };
}
