/**
 * True for `{...}` literals and `JSON.parse` objects, false for arrays, class instances (Date,
 * Uint8Array, Map) and null: only plain objects are rows or structs; the rest is JSON-encoded.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** `object[key]` when it is the object's own property: a row missing `constructor` must not read `Object.prototype.constructor`. */
export function ownValue(object: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}
