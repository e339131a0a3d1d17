const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * A value read by hyparquet as plain JSON: INT64 arrives as bigint and becomes a number when it is
 * a safe integer, else its decimal string; undefined (a null struct or list) becomes null; Dates
 * (Parquet DATE/TIMESTAMP) become ISO strings; typed arrays become arrays.
 */
export function decodeValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case "bigint":
      return value >= MIN_SAFE && value <= MAX_SAFE ? Number(value) : value.toString();
    case "object":
      break;
    default:
      return value;
  }
  if (Array.isArray(value)) return value.map(decodeValue);
  if (value instanceof Date) return value.toISOString();
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<unknown>, decodeValue);
  // Object.fromEntries, not assignment: a field named "__proto__" must stay a field.
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, decodeValue(item)]));
}
