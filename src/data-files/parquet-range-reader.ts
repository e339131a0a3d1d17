import { parquetMetadataAsync, parquetReadObjects, parquetSchema } from "hyparquet";
import type { AsyncBuffer, FileMetaData } from "hyparquet";
import type { Row } from "../core/row.js";
import { decodeValue } from "../distiset/parquet/decode-value.js";
import { DistilflareError, errorMessage } from "../errors.js";

/**
 * Bytes fetched from the end of a file to read its footer. hyparquet's default (512 KB) would
 * download small files whole; footers of datasets are usually a few KB, and a larger footer
 * costs one more request.
 */
export const FOOTER_FETCH_BYTES = 64 * 1024;

/** The footer (row groups, schema) of a remote or stored Parquet file. */
export async function readParquetFooter(file: AsyncBuffer, name: string): Promise<FileMetaData> {
  try {
    return await parquetMetadataAsync(file, { initialFetchSize: FOOTER_FETCH_BYTES });
  } catch (error) {
    throw parquetError(`Reading the Parquet footer of '${name}'`, error);
  }
}

/** Top-level column names in file order. */
export function parquetColumns(metadata: FileMetaData): string[] {
  return parquetSchema(metadata).children.map((child) => child.element.name);
}

/**
 * Rows `[rowStart, rowEnd)` of one file as plain JSON values. hyparquet fetches only the row
 * groups holding those rows (only their pages when the file has an offset index).
 */
export async function readParquetRange(options: { file: AsyncBuffer; metadata: FileMetaData; name: string; rowStart: number; rowEnd: number }): Promise<Row[]> {
  const { file, metadata, name, rowStart, rowEnd } = options;
  if (rowEnd <= rowStart) return [];
  try {
    const rows = await parquetReadObjects({ file, metadata, rowStart, rowEnd });
    return rows.map((row) => decodeValue(row) as Row);
  } catch (error) {
    throw parquetError(`Reading rows ${rowStart}-${rowEnd - 1} of '${name}'`, error);
  }
}

/** Errors of the byte source (a Hub 401, an unreachable URL) pass through unchanged. */
function parquetError(action: string, error: unknown): DistilflareError {
  if (error instanceof DistilflareError) return error;
  return new DistilflareError("storage_failed", `${action} failed: ${errorMessage(error)} (is it a Parquet file?)`, undefined, { cause: error });
}
