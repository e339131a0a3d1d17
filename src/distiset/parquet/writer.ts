import { parquetWriteBuffer } from "hyparquet-writer";
import type { ColumnSource } from "hyparquet-writer";
import type { Row } from "../../core/row.js";
import { DistilflareError, errorMessage } from "../../errors.js";
import type { TableSchema } from "./column-type.js";
import { assertKnownKeys, encodeValue } from "./encode-value.js";
import { toParquetElements } from "./parquet-elements.js";
import { ownValue } from "./plain-object.js";
import { schemaMetadataEntry } from "./schema-metadata.js";
import { assertRow, inferSchema } from "./schema.js";

export interface WriteParquetOptions {
  /** Rows per row group (hyparquet-writer's default: 1,000 then 100,000). */
  rowGroupSize?: number;
}

/**
 * Writes rows as one Parquet file (snappy, native LIST and STRUCT columns). The schema is inferred
 * from the rows when not given (columns in first-seen key order); with a schema, a row value that
 * does not fit it, or a non-null value in a column it lacks, is an error rather than dropped.
 * Columns missing from a row are written as null. The schema is also stored in the file metadata
 * so that types Parquet cannot express (`null`, `json`) survive a round trip.
 *
 * @throws DistilflareError `invalid_request` for rows that are not objects, values that do not fit
 *   the schema, zero rows without a schema, or zero columns.
 * @example
 * const bytes = writeParquet([{ instruction: "Tell me a joke", generations: ["a", "b"] }]);
 */
export function writeParquet(rows: readonly Row[], schema?: TableSchema, options: WriteParquetOptions = {}): Uint8Array {
  const { rowGroupSize } = options;
  // hyparquet-writer loops forever on a row group size of 0.
  if (rowGroupSize !== undefined && !(Number.isSafeInteger(rowGroupSize) && rowGroupSize > 0)) {
    throw new DistilflareError("invalid_request", `rowGroupSize must be a positive integer, got ${rowGroupSize}`);
  }
  rows.forEach((row, index) => assertRow(row, index));
  if (schema === undefined && rows.length === 0) {
    throw new DistilflareError("invalid_request", "Cannot infer a Parquet schema from zero rows; pass a schema");
  }
  const table = schema ?? inferSchema(rows);
  if (table.columns.length === 0) throw new DistilflareError("invalid_request", "A Parquet file needs at least one column");

  if (schema !== undefined) {
    const names = new Set(schema.columns.map((column) => column.name));
    for (const row of rows) assertKnownKeys((key) => names.has(key), row, []);
  }
  const columnData: ColumnSource[] = table.columns.map(({ name, type }) => ({
    name,
    data: rows.map((row) => encodeValue(type, ownValue(row, name), [name])),
  }));

  try {
    const buffer = parquetWriteBuffer({
      columnData,
      schema: toParquetElements(table),
      kvMetadata: [schemaMetadataEntry(table)],
      createdBy: "distilflare",
      ...(rowGroupSize === undefined ? {} : { rowGroupSize }),
    });
    return new Uint8Array(buffer);
  } catch (error) {
    throw new DistilflareError("storage_failed", `Writing Parquet failed: ${errorMessage(error)}`, undefined, { cause: error });
  }
}
