import { ByteWriter, parquetWrite, parquetWriteBuffer } from "hyparquet-writer";
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
  const { columnData, table } = prepareColumns(rows, schema, options);
  try {
    const buffer = parquetWriteBuffer({
      ...fileOptions(columnData, table),
      ...(options.rowGroupSize === undefined ? {} : { rowGroupSize: options.rowGroupSize }),
    });
    return new Uint8Array(buffer);
  } catch (error) {
    throw writeFailed(error);
  }
}

/** Row groups of `writeParquetYielding`: each is encoded in one go, between two yields. */
export const YIELDING_ROW_GROUP_SIZE = 5_000;

/**
 * `writeParquet` for files large enough to take seconds of CPU (a Distiset file): the same bytes
 * rules, but it hands the event loop back between row groups and between chunks of value
 * encoding. One isolate serves every request of a Worker (under `wrangler dev`, the run's Durable
 * Object too), so one long synchronous write would hold a status call behind it for its whole duration.
 */
export async function writeParquetYielding(rows: readonly Row[], schema?: TableSchema, options: WriteParquetOptions = {}): Promise<Uint8Array> {
  const { columnData, table } = await prepareColumnsYielding(rows, schema, options);
  const writer = new YieldingByteWriter();
  try {
    await parquetWrite({ writer, ...fileOptions(columnData, table), rowGroupSize: options.rowGroupSize ?? YIELDING_ROW_GROUP_SIZE });
    return new Uint8Array(writer.getBuffer());
  } catch (error) {
    throw writeFailed(error);
  }
}

function fileOptions(columnData: ColumnSource[], table: TableSchema) {
  return { columnData, schema: toParquetElements(table), kvMetadata: [schemaMetadataEntry(table)], createdBy: "distilflare" };
}

/** hyparquet-writer awaits `flush` after each row group before encoding the next one. */
class YieldingByteWriter extends ByteWriter {
  flush(): Promise<void> {
    return yieldToEventLoop();
  }
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function validated(rows: readonly Row[], schema: TableSchema | undefined, options: WriteParquetOptions): TableSchema {
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
  return table;
}

function encodeColumn(rows: readonly Row[], name: string, type: TableSchema["columns"][number]["type"]): unknown[] {
  return rows.map((row) => encodeValue(type, ownValue(row, name), [name]));
}

function prepareColumns(
  rows: readonly Row[],
  schema: TableSchema | undefined,
  options: WriteParquetOptions,
): { columnData: ColumnSource[]; table: TableSchema } {
  const table = validated(rows, schema, options);
  return { table, columnData: table.columns.map(({ name, type }) => ({ name, data: encodeColumn(rows, name, type) })) };
}

async function prepareColumnsYielding(
  rows: readonly Row[],
  schema: TableSchema | undefined,
  options: WriteParquetOptions,
): Promise<{ columnData: ColumnSource[]; table: TableSchema }> {
  const table = validated(rows, schema, options);
  const columnData: ColumnSource[] = [];
  for (const { name, type } of table.columns) {
    const data: unknown[] = [];
    for (let start = 0; start < rows.length; start += YIELDING_ROW_GROUP_SIZE) {
      if (start > 0) await yieldToEventLoop();
      data.push(...encodeColumn(rows.slice(start, start + YIELDING_ROW_GROUP_SIZE), name, type));
    }
    columnData.push({ name, data });
  }
  return { columnData, table };
}

function writeFailed(error: unknown): DistilflareError {
  return new DistilflareError("storage_failed", `Writing Parquet failed: ${errorMessage(error)}`, undefined, { cause: error });
}
