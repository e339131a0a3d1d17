import { SCALAR_TYPES } from "./column-type.js";
import type { ColumnField, ColumnType, StructType, TableSchema } from "./column-type.js";

/**
 * The narrowest type that holds values of both `a` and `b`, the way pyarrow unifies schemas,
 * except that where pyarrow would refuse (string vs struct, list vs int64) the result is `json`.
 *
 * - `null` merges into anything; `int64` + `double` is `double`;
 * - lists merge their elements; structs take the union of their fields (a field missing on one
 *   side is null there), in first-seen order;
 * - `json` absorbs everything.
 *
 * @example
 * mergeColumnTypes({ kind: "int64" }, { kind: "double" }); // { kind: "double" }
 */
export function mergeColumnTypes(a: ColumnType, b: ColumnType): ColumnType {
  if (a === b || b.kind === "null") return a;
  if (a.kind === "null") return b;
  if (a.kind === "json" || b.kind === "json") return SCALAR_TYPES.json;
  if (a.kind === "list" && b.kind === "list") {
    const element = mergeColumnTypes(a.element, b.element);
    return element === a.element ? a : { kind: "list", element };
  }
  if (a.kind === "struct" && b.kind === "struct") return mergeStructs(a, b);
  if (a.kind === b.kind) return a;
  if (isNumeric(a) && isNumeric(b)) return SCALAR_TYPES.double;
  return SCALAR_TYPES.json;
}

/**
 * Unifies the schemas of several files of one dataset: columns of `a` first, then the columns
 * only `b` has; a column present on one side only is nullable (its type is kept).
 */
export function mergeSchemas(a: TableSchema, b: TableSchema): TableSchema {
  const merged = new Map<string, ColumnType>(a.columns.map((column) => [column.name, column.type]));
  for (const { name, type } of b.columns) {
    const existing = merged.get(name);
    merged.set(name, existing === undefined ? type : mergeColumnTypes(existing, type));
  }
  return { columns: [...merged].map(([name, type]): ColumnField => ({ name, type })) };
}

function mergeStructs(a: StructType, b: StructType): StructType {
  // A Map, then Object.fromEntries: assigning a key such as "__proto__" would not create a field.
  const fields = new Map(Object.entries(a.fields));
  let changed = false;
  for (const [name, type] of Object.entries(b.fields)) {
    const existing = fields.get(name);
    const next = existing === undefined ? type : mergeColumnTypes(existing, type);
    if (next !== existing) {
      fields.set(name, next);
      changed = true;
    }
  }
  return changed ? { kind: "struct", fields: Object.fromEntries(fields) } : a;
}

function isNumeric(type: ColumnType): boolean {
  return type.kind === "int64" || type.kind === "double";
}
