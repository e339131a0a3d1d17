import { parquetMetadata, parquetMetadataAsync, parquetReadObjects, parquetSchema } from "hyparquet";
import type { AsyncBuffer, FileMetaData } from "hyparquet";
import type { Row } from "../../core/row.js";
import { DistilflareError, errorMessage } from "../../errors.js";
import type { TableSchema } from "./column-type.js";
import { decodeValue } from "./decode-value.js";
import { fromParquetTree } from "./parquet-elements.js";
import { storedSchema } from "./schema-metadata.js";

export interface ParquetMetadataSummary {
  numRows: number;
  /** Top-level column names, in file order. */
  columns: string[];
  schema: TableSchema;
}

export interface ReadRowsOptions {
  /** First row to read (default 0). */
  offset?: number;
  /** How many rows to read from `offset` (default: to the end). */
  length?: number;
}

export interface ReadRangeOptions {
  /** First row to read, inclusive (default 0). */
  rowStart?: number;
  /** Row to stop at, exclusive (default: the end of the file). */
  rowEnd?: number;
  /** Only these top-level columns (default: all). */
  columns?: string[];
}

/**
 * Reads rows of an in-memory Parquet file as plain JSON values (see decodeValue). Every row has
 * every column: a column or struct field that was missing or null when written is null.
 *
 * @throws DistilflareError `storage_failed` when the bytes are not a readable Parquet file.
 * @example
 * const preview = await readParquetRows(bytes, { offset: 100, length: 20 });
 */
export async function readParquetRows(bytes: Uint8Array | ArrayBuffer, options: ReadRowsOptions = {}): Promise<Row[]> {
  const { offset = 0, length } = options;
  assertRowIndex("offset", offset);
  if (length !== undefined) assertRowIndex("length", length);
  return readParquetRowsFromAsyncBuffer(toAsyncBuffer(bytes), { rowStart: offset, ...(length === undefined ? {} : { rowEnd: offset + length }) });
}

/**
 * Reads rows `[rowStart, rowEnd)` through an AsyncBuffer (byte-range reader), fetching the footer
 * and only the row groups that hold those rows, so a Worker can page through an R2 object or a
 * remote URL without loading it whole.
 *
 * @example
 * const file = { byteLength: object.size, slice: async (start, end) => (await bucket.get(key, { range: { offset: start, length: (end ?? object.size) - start } }))!.arrayBuffer() };
 * const rows = await readParquetRowsFromAsyncBuffer(file, { rowStart: 5000, rowEnd: 5100 });
 */
export async function readParquetRowsFromAsyncBuffer(file: AsyncBuffer, options: ReadRangeOptions = {}): Promise<Row[]> {
  const { rowStart = 0, rowEnd, columns } = options;
  assertRowIndex("rowStart", rowStart);
  if (rowEnd !== undefined) assertRowIndex("rowEnd", rowEnd);
  const metadata = await readMetadata(file);
  const numRows = Number(metadata.num_rows);
  const end = Math.min(rowEnd ?? numRows, numRows);
  if (rowStart >= end) return [];
  const rows = await storage("Reading Parquet rows", () =>
    parquetReadObjects({ file, metadata, rowStart, rowEnd: end, ...(columns === undefined ? {} : { columns }) }),
  );
  return rows.map((row) => decodeValue(row) as Row);
}

/**
 * Row count, column names and TableSchema of an in-memory Parquet file. The schema is the one
 * writeParquet stored in the file metadata when present, else derived from the Parquet schema.
 *
 * @throws DistilflareError `storage_failed` when the bytes are not a readable Parquet file.
 */
export function readParquetMetadata(bytes: Uint8Array | ArrayBuffer): ParquetMetadataSummary {
  let metadata: FileMetaData;
  try {
    metadata = parquetMetadata(bytes);
  } catch (error) {
    throw storageError("Reading Parquet metadata", error);
  }
  return summarize(metadata);
}

/** readParquetMetadata through an AsyncBuffer: fetches only the footer. */
export async function readParquetMetadataFromAsyncBuffer(file: AsyncBuffer): Promise<ParquetMetadataSummary> {
  return summarize(await readMetadata(file));
}

function summarize(metadata: FileMetaData): ParquetMetadataSummary {
  const tree = parquetSchema(metadata);
  const columns = tree.children.map((child) => child.element.name);
  return { numRows: Number(metadata.num_rows), columns, schema: storedSchema(metadata.key_value_metadata, columns) ?? fromParquetTree(tree) };
}

function readMetadata(file: AsyncBuffer): Promise<FileMetaData> {
  return storage("Reading Parquet metadata", () => parquetMetadataAsync(file));
}

/**
 * Slices copy only the requested range, so a large file is never copied whole. Copied through
 * `new Uint8Array(view)` because a node Buffer's `slice` is a view whose `.buffer` is the shared pool.
 */
function toAsyncBuffer(bytes: Uint8Array | ArrayBuffer): AsyncBuffer {
  if (bytes instanceof ArrayBuffer) return bytes;
  return { byteLength: bytes.byteLength, slice: (start, end) => new Uint8Array(bytes.subarray(start, end)).buffer };
}

async function storage<T>(action: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw storageError(action, error);
  }
}

function storageError(action: string, error: unknown): DistilflareError {
  if (error instanceof DistilflareError) return error;
  return new DistilflareError("storage_failed", `${action} failed: ${errorMessage(error)}`, undefined, { cause: error });
}

function assertRowIndex(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new DistilflareError("invalid_request", `${name} must be a non-negative integer, got ${value}`, { [name]: value });
  }
}
