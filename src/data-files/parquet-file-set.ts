import type { FileMetaData } from "hyparquet";
import type { Row } from "../core/row.js";
import { mapConcurrent } from "../steps/step-context.js";
import type { ByteSource } from "./byte-source.js";
import { parquetColumns, readParquetFooter, readParquetRange } from "./parquet-range-reader.js";

/** A file of a multi-file Parquet dataset with its row count (from its footer or a manifest). */
export interface CountedParquetFile {
  source: ByteSource;
  numRows: number;
}

/** Footers read at once when counting rows (Workers allow 6 open connections). */
const FOOTER_CONCURRENCY = 4;

/** Row counts and the first file's columns, from the footers only. */
export async function countParquetRows(sources: readonly ByteSource[]): Promise<{ numRows: number[]; columns: string[] }> {
  let columns: string[] = [];
  const numRows = await mapConcurrent(sources, FOOTER_CONCURRENCY, async (source, index) => {
    const metadata = await readParquetFooter(source.asyncBuffer(), source.name);
    if (index === 0) columns = parquetColumns(metadata);
    return Number(metadata.num_rows);
  });
  return { numRows, columns };
}

/** Columns of a Parquet file from its footer (validation-time discovery). */
export async function parquetFileColumns(source: ByteSource): Promise<string[]> {
  return parquetColumns(await readParquetFooter(source.asyncBuffer(), source.name));
}

/**
 * Rows `[offset, offset + length)` of files read one after the other as one table. Only the
 * files overlapping the range are touched: for each, its footer and the row groups holding the
 * rows, so memory is one batch plus the row groups it spans, whatever the dataset's size.
 */
export async function readRowsAcross(files: readonly CountedParquetFile[], offset: number, length: number, footers?: FooterCache): Promise<Row[]> {
  const rows: Row[] = [];
  const end = offset + length;
  let fileStart = 0;
  for (const file of files) {
    const fileEnd = fileStart + file.numRows;
    if (fileEnd > offset && fileStart < end) {
      const buffer = file.source.asyncBuffer();
      const metadata = footers?.get(file.source.name) ?? (await readParquetFooter(buffer, file.source.name));
      footers?.set(file.source.name, metadata);
      const read = await readParquetRange({
        file: buffer,
        metadata,
        name: file.source.name,
        rowStart: Math.max(offset, fileStart) - fileStart,
        rowEnd: Math.min(end, fileEnd) - fileStart,
      });
      for (const row of read) rows.push(row);
    }
    fileStart = fileEnd;
    if (fileStart >= end) break;
  }
  return rows;
}

/**
 * Footers already read, by file name: a loader keeps one so consecutive batches in the same
 * isolate do not fetch the same footer again. Holds the last few files only.
 */
export class FooterCache {
  private readonly entries = new Map<string, FileMetaData>();
  constructor(private readonly capacity = 4) {}

  get(name: string): FileMetaData | undefined {
    return this.entries.get(name);
  }

  set(name: string, metadata: FileMetaData): void {
    this.entries.delete(name);
    this.entries.set(name, metadata);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }
}

export function totalRows(files: readonly CountedParquetFile[]): number {
  return files.reduce((sum, file) => sum + file.numRows, 0);
}
