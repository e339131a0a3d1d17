import type { KeyValue } from "hyparquet";
import { TableSchemaSchema } from "./column-type.js";
import type { TableSchema } from "./column-type.js";

/**
 * Key of the file metadata entry holding the TableSchema as JSON, as pyarrow keeps its own schema
 * under `ARROW:schema`: Parquet has no `null` type and no way to tell a `json` column written here
 * from any other JSON column, and merging the schemas of several files needs both.
 */
export const SCHEMA_METADATA_KEY = "distilflare.schema";

export function schemaMetadataEntry(schema: TableSchema): KeyValue {
  return { key: SCHEMA_METADATA_KEY, value: JSON.stringify(schema) };
}

/**
 * The schema stored by writeParquet, when the entry is there, valid, and names exactly the file's
 * columns (a tool that rewrote the file may have kept the entry and changed the columns).
 */
export function storedSchema(entries: readonly KeyValue[] | undefined, columns: readonly string[]): TableSchema | undefined {
  const stored = entries?.find((entry) => entry.key === SCHEMA_METADATA_KEY)?.value;
  if (stored === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(stored);
  } catch {
    return undefined;
  }
  const parsed = TableSchemaSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const names = parsed.data.columns.map((column) => column.name);
  return names.length === columns.length && names.every((name, i) => name === columns[i]) ? parsed.data : undefined;
}
