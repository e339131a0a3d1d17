import type { SchemaElement, SchemaTree } from "hyparquet";
import { SCALAR_TYPES } from "./column-type.js";
import type { ColumnType, ScalarKind, TableSchema } from "./column-type.js";

/**
 * The flat, depth-first Parquet schema for a table, in the layout pyarrow writes, so DuckDB,
 * pyarrow and the HF viewer read native types:
 * - every column, list element and struct field is OPTIONAL;
 * - a list is the 3-level group `<name> (LIST) > repeated group list > element`;
 * - a struct is a plain group of its fields.
 *
 * Two types have no Parquet equivalent: `null` is stored as a STRING column of nulls (DuckDB reads
 * VARCHAR, pyarrow `string`), and a struct with no fields (which Parquet forbids) as `json`.
 */
export function toParquetElements(schema: TableSchema): SchemaElement[] {
  const elements: SchemaElement[] = [{ name: "schema", num_children: schema.columns.length }];
  for (const { name, type } of schema.columns) pushElements(elements, name, type);
  return elements;
}

const UTF8 = { type: "BYTE_ARRAY", converted_type: "UTF8", logical_type: { type: "STRING" } } as const;

/** The physical type and annotations of each scalar kind's column. */
const SCALAR_ELEMENTS: Record<ScalarKind, Omit<SchemaElement, "name" | "repetition_type">> = {
  string: UTF8,
  null: UTF8,
  json: { type: "BYTE_ARRAY", converted_type: "JSON", logical_type: { type: "JSON" } },
  int64: { type: "INT64" },
  double: { type: "DOUBLE" },
  boolean: { type: "BOOLEAN" },
};

function pushElements(out: SchemaElement[], name: string, type: ColumnType): void {
  switch (type.kind) {
    case "list":
      out.push(
        { name, repetition_type: "OPTIONAL", num_children: 1, converted_type: "LIST", logical_type: { type: "LIST" } },
        { name: "list", repetition_type: "REPEATED", num_children: 1 },
      );
      pushElements(out, "element", type.element);
      return;
    case "struct": {
      const fields = Object.entries(type.fields);
      if (fields.length === 0) {
        pushElements(out, name, SCALAR_TYPES.json);
        return;
      }
      out.push({ name, repetition_type: "OPTIONAL", num_children: fields.length });
      for (const [fieldName, fieldType] of fields) pushElements(out, fieldName, fieldType);
      return;
    }
    default:
      out.push({ name, repetition_type: "OPTIONAL", ...SCALAR_ELEMENTS[type.kind] });
  }
}

/**
 * The column types of a Parquet file written by any tool (pyarrow, DuckDB, Spark), as the reader
 * returns its values: integers and times of day `int64`; floats and decimals `double`; text, dates,
 * timestamps and UUIDs `string`; maps and unknown annotations `json`; LIST groups (3-level or
 * legacy 2-level) and bare repeated fields `list`; other groups `struct`.
 */
export function fromParquetTree(root: SchemaTree): TableSchema {
  return { columns: root.children.map((child) => ({ name: child.element.name, type: nodeType(child) })) };
}

function nodeType(node: SchemaTree): ColumnType {
  return node.element.repetition_type === "REPEATED" ? { kind: "list", element: innerType(node) } : innerType(node);
}

/** The type of a node ignoring its own repetition. */
function innerType(node: SchemaTree): ColumnType {
  const { element, children } = node;
  const isList = element.converted_type === "LIST" || element.logical_type?.type === "LIST";
  const [repeated] = children;
  if (isList && children.length === 1 && repeated?.element.repetition_type === "REPEATED") {
    // 3-level: the repeated group wraps one element; legacy 2-level: the repeated node is the element.
    const [only] = repeated.children;
    const element = repeated.children.length === 1 && only !== undefined ? nodeType(only) : innerType(repeated);
    return { kind: "list", element };
  }
  if (element.converted_type === "MAP" || element.converted_type === "MAP_KEY_VALUE" || element.logical_type?.type === "MAP") {
    return SCALAR_TYPES.json;
  }
  if (children.length > 0) {
    if (element.logical_type?.type === "VARIANT") return SCALAR_TYPES.json;
    return { kind: "struct", fields: Object.fromEntries(children.map((child) => [child.element.name, nodeType(child)])) };
  }
  return leafType(element);
}

function leafType(element: SchemaElement): ColumnType {
  const logical = element.logical_type?.type;
  const converted = element.converted_type;
  if (logical === "NULL") return SCALAR_TYPES.null;
  if (logical === "JSON" || converted === "JSON" || converted === "BSON" || logical === "BSON") return SCALAR_TYPES.json;
  if (logical === "GEOMETRY" || logical === "GEOGRAPHY" || logical === "INTERVAL" || converted === "INTERVAL") return SCALAR_TYPES.json;
  if (logical === "DECIMAL" || converted === "DECIMAL" || logical === "FLOAT16") return SCALAR_TYPES.double;
  if (logical === "DATE" || logical === "TIMESTAMP" || logical === "UUID") return SCALAR_TYPES.string;
  if (converted === "DATE" || converted === "TIMESTAMP_MILLIS" || converted === "TIMESTAMP_MICROS") return SCALAR_TYPES.string;
  switch (element.type) {
    case "BOOLEAN":
      return SCALAR_TYPES.boolean;
    case "INT32":
    case "INT64":
      return SCALAR_TYPES.int64;
    case "FLOAT":
    case "DOUBLE":
      return SCALAR_TYPES.double;
    default:
      // INT96 too: legacy timestamps, which hyparquet decodes to Date and the reader turns into ISO strings.
      return SCALAR_TYPES.string;
  }
}
