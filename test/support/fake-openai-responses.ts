/**
 * Payload helpers of the fake OpenAI-compatible server: what a request asks (prompt, schema),
 * and deterministic reply parts (schema samples, logprobs, embeddings).
 */

export type RouteName = "chat" | "completions" | "embeddings" | "messages" | "hub" | "control" | "batch";

export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content))
    return content
      .map((part) => (part && typeof part === "object" && typeof (part as { text?: unknown }).text === "string" ? (part as { text: string }).text : ""))
      .join(" ");
  return "";
}

export function promptOf(route: RouteName | undefined, body: unknown): string {
  const record = (body ?? {}) as Record<string, unknown>;
  if (route === "chat" || route === "messages") {
    const messages = Array.isArray(record.messages) ? (record.messages as Array<{ role?: string; content?: unknown }>) : [];
    const last = [...messages].reverse().find((m) => m.role === "user");
    return contentText(last?.content);
  }
  if (route === "completions") return String(record.prompt ?? record.inputs ?? "");
  if (route === "embeddings") return Array.isArray(record.input) ? record.input.join(" | ") : String(record.input ?? "");
  return "";
}

export function allText(route: RouteName, body: Record<string, unknown>): string {
  if (route === "completions") return String(body.prompt ?? "");
  const messages = Array.isArray(body.messages) ? (body.messages as Array<{ content?: unknown }>) : [];
  return [typeof body.system === "string" ? body.system : "", ...messages.map((m) => contentText(m.content))].join(" ");
}

/** The JSON schema a request asks the reply to follow, in each API's own way of asking. */
export function requestedSchema(route: RouteName, body: Record<string, unknown>): Record<string, unknown> | undefined {
  const format = body.response_format as { type?: string; json_schema?: { schema?: unknown } | Record<string, unknown>; value?: unknown } | undefined;
  if (format?.type === "json_schema" && format.json_schema) {
    const inner = (format.json_schema as { schema?: unknown }).schema;
    // OpenAI nests the schema under `schema`; Workers AI puts it directly under `json_schema`.
    return (inner ?? format.json_schema) as Record<string, unknown>;
  }
  if (format?.type === "json" && format.value && typeof format.value === "object") return format.value as Record<string, unknown>;
  const grammar = body.grammar as { type?: string; value?: unknown } | undefined;
  if (grammar?.type === "json" && grammar.value && typeof grammar.value === "object") return grammar.value as Record<string, unknown>;
  if (route === "messages" && Array.isArray(body.tools)) {
    const tool = body.tools[0] as { input_schema?: unknown } | undefined;
    if (tool?.input_schema && typeof tool.input_schema === "object") return tool.input_schema as Record<string, unknown>;
  }
  return undefined;
}

export function chatLogprobs(text: string, topK: number): unknown {
  return {
    content: tokensOf(text).map((token, i) => ({
      token,
      logprob: -0.1 * (i + 1),
      bytes: null,
      top_logprobs: Array.from({ length: Math.max(1, topK) }, (_, k) => ({
        token: k === 0 ? token : `${token}~${k}`,
        logprob: -0.1 * (i + 1) - k,
        bytes: null,
      })),
    })),
  };
}

export function completionLogprobs(text: string, topK: number): unknown {
  const tokens = tokensOf(text);
  return {
    tokens,
    token_logprobs: tokens.map((_, i) => -0.1 * (i + 1)),
    top_logprobs: tokens.map((token, i) =>
      Object.fromEntries(Array.from({ length: Math.max(1, topK) }, (_, k) => [k === 0 ? token : `${token}~${k}`, -0.1 * (i + 1) - k])),
    ),
    text_offset: [],
  };
}

export function tokensOf(text: string): string[] {
  return text.split(/(?=\s)/).filter((t) => t.length > 0);
}

export function countWords(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/** A deterministic unit vector from the text (same text, same vector). */
export function fakeEmbedding(text: string, dims: number): number[] {
  let seed = 2166136261;
  for (let i = 0; i < text.length; i++) seed = Math.imul(seed ^ text.charCodeAt(i), 16777619) >>> 0;
  const values = Array.from({ length: dims }, () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 31 - 1;
  });
  const norm = Math.sqrt(values.reduce((s, v) => s + v * v, 0)) || 1;
  return values.map((v) => v / norm);
}

type Schema = Record<string, unknown>;

/** A value that satisfies the common JSON-schema subset (what a well-behaved model would reply). */
export function sampleFromSchema(schema: Schema, root: Schema = schema): unknown {
  if (typeof schema.$ref === "string") {
    const name = schema.$ref.split("/").pop() ?? "";
    const defs = (root.$defs ?? root.definitions ?? {}) as Record<string, Schema>;
    const target = defs[name];
    return target ? sampleFromSchema(target, root) : null;
  }
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  for (const key of ["anyOf", "oneOf", "allOf"]) {
    const options = schema[key];
    if (Array.isArray(options) && options.length > 0) return sampleFromSchema(options[0] as Schema, root);
  }
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case "object": {
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      return Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, sampleFromSchema(value, root)]));
    }
    case "array": {
      const count = typeof schema.minItems === "number" ? Math.max(1, schema.minItems) : 1;
      const items = (schema.items ?? {}) as Schema;
      return Array.from({ length: count }, () => sampleFromSchema(items, root));
    }
    case "integer":
      return typeof schema.minimum === "number" ? Math.ceil(schema.minimum) : typeof schema.maximum === "number" ? Math.floor(schema.maximum) : 1;
    case "number":
      return typeof schema.minimum === "number" ? schema.minimum : typeof schema.maximum === "number" ? schema.maximum : 1.5;
    case "boolean":
      return true;
    case "null":
      return null;
    case "string": {
      const length = typeof schema.minLength === "number" ? schema.minLength : 0;
      return "sample".padEnd(length, "x");
    }
    default:
      return {};
  }
}

/** A JSON value that does not match `schema` (of the wrong type for it). */
export function schemaMismatchFor(schema: Schema | undefined): unknown {
  const type = Array.isArray(schema?.type) ? schema?.type[0] : schema?.type;
  return type === "object" || type === undefined ? ["not", "an", "object"] : { unexpected: true };
}
