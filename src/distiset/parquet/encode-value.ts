import { DistilflareError } from "../../errors.js";
import { formatColumnType } from "./column-type.js";
import type { ColumnType } from "./column-type.js";
import { isPlainObject, ownValue } from "./plain-object.js";

/**
 * A row value in the form hyparquet-writer takes for a column of `type`: int64 values as bigint
 * (its INT64 encoder accepts nothing else), struct fields complete and in schema order, `json`
 * values left as they are (the writer JSON-encodes them). Nulls stay null.
 *
 * @param path where the value sits, for the error message (`["distilabel_metadata", "statistics"]`).
 * @throws DistilflareError `invalid_request` when the value does not fit the type.
 */
export function encodeValue(type: ColumnType, value: unknown, path: readonly string[]): unknown {
  if (value === null || value === undefined) return null;
  switch (type.kind) {
    case "json":
      return value;
    case "string":
      if (typeof value === "string") return value;
      break;
    case "boolean":
      if (typeof value === "boolean") return value;
      break;
    case "double":
      if (typeof value === "number") return value;
      if (typeof value === "bigint") return Number(value);
      break;
    case "int64":
      if (typeof value === "number" && Number.isSafeInteger(value)) return BigInt(value);
      if (typeof value === "bigint") return value;
      break;
    case "null":
      break;
    case "list":
      if (Array.isArray(value)) return value.map((item: unknown, index) => encodeValue(type.element, item, [...path, String(index)]));
      break;
    case "struct":
      if (isPlainObject(value)) return encodeStruct(type.fields, value, path);
      break;
  }
  throw mismatch(type, value, path);
}

function encodeStruct(fields: Record<string, ColumnType>, value: Record<string, unknown>, path: readonly string[]): unknown {
  const entries = Object.entries(fields);
  // A struct without fields is stored as JSON (see toParquetElements).
  if (entries.length === 0) return value;
  assertKnownKeys((key) => Object.hasOwn(fields, key), value, path);
  return Object.fromEntries(entries.map(([name, field]) => [name, encodeValue(field, ownValue(value, name), [...path, name])]));
}

/**
 * Rejects a non-null value under a key the schema does not have: writing would drop it silently.
 *
 * @throws DistilflareError `invalid_request` naming the first such key.
 */
export function assertKnownKeys(isKnown: (key: string) => boolean, value: Record<string, unknown>, path: readonly string[]): void {
  for (const [key, item] of Object.entries(value)) {
    if (item === null || item === undefined || isKnown(key)) continue;
    const column = [...path, key].join(".");
    throw new DistilflareError("invalid_request", `Column '${column}' is not in the Parquet schema`, { column });
  }
}

function mismatch(type: ColumnType, value: unknown, path: readonly string[]): DistilflareError {
  const column = path.join(".");
  const expected = formatColumnType(type);
  const got = describeValue(value);
  return new DistilflareError("invalid_request", `Column '${column}' expects ${expected}, got ${got}`, { column, expected, got });
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (typeof value === "number" && !Number.isSafeInteger(value)) return Number.isInteger(value) ? "unsafe integer" : "non-integer number";
  if (typeof value === "object" && value !== null && !isPlainObject(value)) return Object.prototype.toString.call(value).slice(8, -1);
  return typeof value;
}
