import type { Row } from "../../core/row.js";
import { DistilflareError } from "../../errors.js";
import { SCALAR_TYPES } from "./column-type.js";
import type { ColumnType, TableSchema } from "./column-type.js";
import { mergeColumnTypes } from "./merge-types.js";
import { isPlainObject } from "./plain-object.js";

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * The column type pyarrow would give one value: strings `string`, safe integers `int64`, other
 * numbers `double`, booleans `boolean`, null/undefined `null`, arrays `list` of their merged
 * element types, plain objects `struct`. Anything else (Date, typed arrays, Map, bigint beyond
 * int64) and arrays mixing incompatible shapes become `json`.
 *
 * @example
 * inferColumnType([[0.1, 2]]); // { kind: "list", element: { kind: "list", element: { kind: "double" } } }
 */
export function inferColumnType(value: unknown): ColumnType {
  if (value === null || value === undefined) return SCALAR_TYPES.null;
  switch (typeof value) {
    case "string":
      return SCALAR_TYPES.string;
    case "boolean":
      return SCALAR_TYPES.boolean;
    case "number":
      return Number.isSafeInteger(value) ? SCALAR_TYPES.int64 : SCALAR_TYPES.double;
    case "bigint":
      return value >= INT64_MIN && value <= INT64_MAX ? SCALAR_TYPES.int64 : SCALAR_TYPES.json;
    default:
      break;
  }
  if (Array.isArray(value)) {
    let element: ColumnType = SCALAR_TYPES.null;
    for (const item of value) element = mergeColumnTypes(element, inferColumnType(item));
    return { kind: "list", element };
  }
  if (isPlainObject(value)) {
    const fields = new Map<string, ColumnType>();
    for (const [name, field] of Object.entries(value)) fields.set(name, inferColumnType(field));
    return { kind: "struct", fields: Object.fromEntries(fields) };
  }
  return SCALAR_TYPES.json;
}

/**
 * The schema of a batch of rows: columns in first-seen key order, each typed by merging the types
 * of its values across rows (a column missing from a row is null there).
 *
 * @throws DistilflareError `invalid_request` when a row is not a plain object.
 * @example
 * inferSchema([{ a: null }, { a: 1.5, b: ["x"] }]);
 * // { columns: [{ name: "a", type: { kind: "double" } }, { name: "b", type: { kind: "list", element: { kind: "string" } } }] }
 */
export function inferSchema(rows: readonly Row[]): TableSchema {
  const columns = new Map<string, ColumnType>();
  rows.forEach((row, index) => {
    assertRow(row, index);
    for (const [name, value] of Object.entries(row)) {
      const type = inferColumnType(value);
      const existing = columns.get(name);
      columns.set(name, existing === undefined ? type : mergeColumnTypes(existing, type));
    }
  });
  return { columns: [...columns].map(([name, type]) => ({ name, type })) };
}

/** @throws DistilflareError `invalid_request` naming the row when it is not a plain object. */
export function assertRow(row: unknown, index: number): asserts row is Row {
  if (!isPlainObject(row)) {
    const got = row === null ? "null" : Array.isArray(row) ? "array" : typeof row;
    throw new DistilflareError("invalid_request", `Row ${index} is not an object (got ${got})`, { row: index, got });
  }
}
