import { z } from "zod";

/**
 * The type of a Parquet column as distilflare sees it: the JSON-like value shapes a row can hold.
 * Every column, list element and struct field is nullable, as pyarrow makes them by default, so
 * nullability is not part of the type.
 *
 * - `null`: only nulls seen so far (pyarrow's `null` type); stored as a nullable STRING column.
 * - `json`: values of incompatible shapes (pyarrow would refuse them); stored JSON-encoded in a
 *   STRING column annotated JSON, and decoded back to the original values on read.
 */
export const ScalarKindSchema = z.enum(["string", "int64", "double", "boolean", "null", "json"]);
export type ScalarKind = z.infer<typeof ScalarKindSchema>;

export const ScalarTypeSchema = z.object({ kind: ScalarKindSchema });

export const ListTypeSchema = z.object({
  kind: z.literal("list"),
  get element() {
    return ColumnTypeSchema;
  },
});

export const StructTypeSchema = z.object({
  kind: z.literal("struct"),
  /** Field order is the order the keys were first seen in. */
  get fields() {
    return z.record(z.string(), ColumnTypeSchema);
  },
});

export const ColumnTypeSchema = z.union([ScalarTypeSchema, ListTypeSchema, StructTypeSchema]);

export type ScalarType = z.infer<typeof ScalarTypeSchema>;
export type StructType = z.infer<typeof StructTypeSchema>;
export type ColumnType = z.infer<typeof ColumnTypeSchema>;

export const ColumnFieldSchema = z.object({ name: z.string(), type: ColumnTypeSchema });
export type ColumnField = z.infer<typeof ColumnFieldSchema>;

/**
 * The schema of a table: its columns in order. A list rather than a record so that column names
 * that look like integers keep their place (JS objects move those to the front).
 *
 * @example
 * const schema: TableSchema = { columns: [{ name: "generations", type: { kind: "list", element: { kind: "string" } } }] };
 */
export const TableSchemaSchema = z.object({ columns: z.array(ColumnFieldSchema) });
export type TableSchema = z.infer<typeof TableSchemaSchema>;

/** Shared instances: inference creates one type per value, so scalars are not reallocated. */
export const SCALAR_TYPES: Readonly<Record<ScalarKind, ScalarType>> = Object.freeze({
  string: Object.freeze({ kind: "string" }),
  int64: Object.freeze({ kind: "int64" }),
  double: Object.freeze({ kind: "double" }),
  boolean: Object.freeze({ kind: "boolean" }),
  null: Object.freeze({ kind: "null" }),
  json: Object.freeze({ kind: "json" }),
});

/** A readable type name for error messages, e.g. `list<struct<a: int64>>`. */
export function formatColumnType(type: ColumnType): string {
  if (type.kind === "list") return `list<${formatColumnType(type.element)}>`;
  if (type.kind === "struct") {
    const fields = Object.entries(type.fields).map(([name, field]) => `${name}: ${formatColumnType(field)}`);
    return `struct<${fields.join(", ")}>`;
  }
  return type.kind;
}
