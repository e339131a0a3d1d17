import type { Row } from "../core/row.js";
import { DistilflareError, errorMessage } from "../errors.js";
import type { ByteSource } from "./byte-source.js";
import { readCsvRecords } from "./csv-records.js";
import { readLines } from "./line-reader.js";

export type TextFileType = "jsonl" | "csv" | "json";

/**
 * Where a record starts: the file and, inside it, a byte offset (JSONL, CSV) or an element index
 * (a JSON array). A checkpoint of a text loader is the position of the next row to read.
 */
export interface RecordPosition {
  file: number;
  position: number;
}

/** A JSON document is parsed whole: larger files should be JSON Lines, which stream. */
export const MAX_JSON_BYTES = 64 * 1024 * 1024;
/** Records sampled to discover the columns of a JSON or JSONL file. */
const COLUMN_SAMPLE = 100;

interface FileRecord {
  row: Row;
  start: number;
}

/** Parsed JSON files, by source name; the caller keeps it so consecutive batches parse once. */
export type JsonFileCache = Map<string, Row[]>;

/**
 * Rows `[offset, offset + length)` of text files read one after the other, scanning forward from
 * `from` (the position of row `from.row`). Returns the rows and the position of the row after
 * them, or `next: undefined` when the files are exhausted.
 *
 * Seeking is the cost of text formats: without a checkpoint, reaching row N means reading every
 * byte before it. Loaders keep the returned position as the checkpoint of the next batch, so a
 * sequential load reads each byte once, and a resumed one starts at its stored checkpoint.
 */
export async function readTextRows(options: {
  sources: readonly ByteSource[];
  type: TextFileType;
  from: { row: number; at: RecordPosition };
  offset: number;
  length: number;
  jsonCache?: JsonFileCache | undefined;
}): Promise<{ rows: Row[]; next: RecordPosition | undefined }> {
  const { sources, type, offset, length } = options;
  const rows: Row[] = [];
  let row = options.from.row;
  for (let file = options.from.at.file; file < sources.length; file++) {
    const source = sources[file] as ByteSource;
    const position = file === options.from.at.file ? options.from.at.position : 0;
    for await (const record of fileRecords(source, type, position, options.jsonCache)) {
      if (rows.length === length) return { rows, next: { file, position: record.start } };
      if (row >= offset) rows.push(record.row);
      row++;
    }
  }
  return { rows, next: undefined };
}

/** Columns of a text file, from its header (CSV) or the keys of its first records. */
export async function textFileColumns(source: ByteSource, type: TextFileType): Promise<string[]> {
  const columns = new Set<string>();
  let seen = 0;
  for await (const record of fileRecords(source, type, 0, undefined)) {
    for (const key of Object.keys(record.row)) columns.add(key);
    if (type === "csv" || ++seen >= COLUMN_SAMPLE) break;
  }
  return [...columns];
}

function fileRecords(source: ByteSource, type: TextFileType, position: number, cache: JsonFileCache | undefined): AsyncGenerator<FileRecord> {
  switch (type) {
    case "jsonl":
      return jsonlRecords(source, position);
    case "csv":
      return csvRecords(source, position);
    case "json":
      return jsonRecords(source, position, cache);
  }
}

async function* jsonlRecords(source: ByteSource, position: number): AsyncGenerator<FileRecord> {
  for await (const line of readLines(source.chunks(position), position)) {
    const text = line.start === 0 ? stripBom(line.text) : line.text;
    if (text.trim() === "") continue;
    yield { row: parseObject(text, source, line.start), start: line.start };
  }
}

async function* csvRecords(source: ByteSource, position: number): AsyncGenerator<FileRecord> {
  const records = readCsvRecords(readLines(source.chunks(0), 0));
  const first = await records.next();
  if (first.done) return;
  const header = first.value.fields.map((name, i) => (i === 0 ? stripBom(name) : name));
  let rest = records;
  if (position > first.value.end) {
    await records.return(undefined);
    rest = readCsvRecords(readLines(source.chunks(position), position));
  }
  for await (const record of rest) {
    if (record.fields.length > header.length) {
      throw new DistilflareError(
        "invalid_request",
        `CSV file '${source.name}': the record at byte ${record.start} has ${record.fields.length} fields, the header has ${header.length}`,
        { file: source.name, byte: record.start },
      );
    }
    const row: Row = {};
    // Values stay strings (types are not guessed); an empty unquoted field is a missing value.
    header.forEach((name, i) => {
      const value = record.fields[i];
      row[name] = value === undefined || (value === "" && !record.quoted[i]) ? null : value;
    });
    yield { row, start: record.start };
  }
}

async function* jsonRecords(source: ByteSource, position: number, cache: JsonFileCache | undefined): AsyncGenerator<FileRecord> {
  let rows = cache?.get(source.name);
  if (!rows) {
    rows = await parseJsonFile(source);
    if (cache) {
      cache.clear();
      cache.set(source.name, rows);
    }
  }
  for (let index = position; index < rows.length; index++) yield { row: rows[index] as Row, start: index };
}

/** A JSON file is an array of objects, or (as `datasets` also accepts) JSON Lines. */
async function parseJsonFile(source: ByteSource): Promise<Row[]> {
  if (source.size > MAX_JSON_BYTES) {
    throw new DistilflareError(
      "invalid_request",
      `JSON file '${source.name}' is ${source.size} bytes; JSON documents are parsed whole and must be at most ${MAX_JSON_BYTES} bytes. Use JSON Lines (.jsonl) for larger files: they are streamed.`,
      { file: source.name, size: source.size },
    );
  }
  const parts: Uint8Array[] = [];
  for await (const chunk of source.chunks(0)) parts.push(chunk.slice());
  const text = stripBom(await new Blob(parts).text()).trim();
  if (!text.startsWith("[")) {
    const rows: Row[] = [];
    for (const [i, line] of text.split("\n").entries()) if (line.trim() !== "") rows.push(parseObject(line, source, i, "line"));
    return rows;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DistilflareError("invalid_request", `JSON file '${source.name}' is not valid JSON: ${errorMessage(error)}`, { file: source.name });
  }
  const list = value as unknown[];
  list.forEach((item, i) => {
    if (!isObject(item))
      throw new DistilflareError("invalid_request", `JSON file '${source.name}': element ${i} is not an object`, { file: source.name, element: i });
  });
  return list as Row[];
}

function parseObject(text: string, source: ByteSource, at: number, unit: "byte" | "line" = "byte"): Row {
  const line = `JSON Lines file '${source.name}': the ${unit === "byte" ? `line at byte ${at}` : `line ${at + 1}`}`;
  const invalid = (problem: string) => new DistilflareError("invalid_request", `${line} ${problem}`, { file: source.name, [unit]: at });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalid(`is not valid JSON: ${errorMessage(error)}`);
  }
  if (!isObject(value)) throw invalid("is not a JSON object");
  return value;
}

function isObject(value: unknown): value is Row {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
