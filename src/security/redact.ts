/** The text with every secret value replaced by `[redacted NAME]`. */
export function redactText(text: string, secrets: ReadonlyArray<{ name: string; value: string }>): string {
  let out = text;
  // Short values would mangle ordinary text and are not worth guessing anyway.
  for (const { name, value } of secrets) if (value.length >= 8 && out.includes(value)) out = out.split(value).join(`[redacted ${name}]`);
  return out;
}

/** Every string inside a JSON value, redacted (reports, error bodies, log lines). */
export function redactDeep<T>(value: T, secrets: ReadonlyArray<{ name: string; value: string }>): T {
  if (secrets.length === 0) return value;
  if (typeof value === "string") return redactText(value, secrets) as T;
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, secrets)) as T;
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactDeep(item, secrets)])) as T;
  }
  return value;
}
