/**
 * True for `{...}` literals and `JSON.parse` objects, false for arrays, class instances (Date,
 * Uint8Array, Map) and null: only plain objects are rows or structs; the rest is JSON-encoded.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
