import type { Line } from "./line-reader.js";

/** One CSV record (RFC 4180): its fields and the bytes it spans, quoted newlines included. */
export interface CsvRecord {
  fields: string[];
  /** Whether each field was quoted: an empty quoted field is an empty string, not a missing value. */
  quoted: boolean[];
  start: number;
  end: number;
}

/**
 * Groups lines into CSV records: quoted fields may hold delimiters, doubled quotes and newlines.
 * Blank lines between records are skipped, as pandas does.
 */
export async function* readCsvRecords(lines: AsyncIterable<Line>, delimiter = ","): AsyncGenerator<CsvRecord> {
  let fields: string[] = [];
  let quoted: boolean[] = [];
  let field = "";
  let fieldQuoted = false;
  let inQuotes = false;
  let start = -1;
  let lastEnd = 0;
  for await (const line of lines) {
    lastEnd = line.end;
    if (!inQuotes && line.text === "") continue;
    if (start < 0) start = line.start;
    const text = line.text;
    for (let i = 0; i < text.length; i++) {
      const char = text[i];
      if (inQuotes) {
        if (char === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i++;
          } else {
            inQuotes = false;
          }
        } else {
          field += char;
        }
      } else if (char === '"' && field === "" && !fieldQuoted) {
        inQuotes = true;
        fieldQuoted = true;
      } else if (char === delimiter) {
        fields.push(field);
        quoted.push(fieldQuoted);
        field = "";
        fieldQuoted = false;
      } else {
        field += char;
      }
    }
    if (inQuotes) {
      field += "\n";
      continue;
    }
    fields.push(field);
    quoted.push(fieldQuoted);
    yield { fields, quoted, start, end: line.end };
    fields = [];
    quoted = [];
    field = "";
    fieldQuoted = false;
    start = -1;
  }
  if (start >= 0) {
    // An unterminated quote at the end of the file: keep what was read rather than dropping it.
    fields.push(field.replace(/\n$/, ""));
    quoted.push(fieldQuoted);
    yield { fields, quoted, start, end: lastEnd };
  }
}
