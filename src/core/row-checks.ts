import { DistilflareError } from "../errors.js";
import type { Row } from "./row.js";

/** Where in a batch a value came from, for error messages. */
export interface RowLocation {
  step: string;
  row: number;
}

/**
 * An error about the data a step received (not about its options): a missing column or a value
 * of the wrong shape. It fails the batch, as the equivalent Python exception fails it in distilabel.
 */
export function rowDataError(where: RowLocation, column: string, message: string): DistilflareError {
  return new DistilflareError("step_failed", `Step '${where.step}': row ${where.row}, column '${column}': ${message}`, {
    step: where.step,
    row: where.row,
    column,
  });
}

/** The value of `column`, which the row must have (distilabel's `row[column]` KeyError). */
export function requireColumn(row: Row, column: string, where: RowLocation): unknown {
  if (!(column in row)) {
    throw rowDataError(where, column, `the row has no such column; its columns are: ${Object.keys(row).join(", ") || "(none)"}`);
  }
  return row[column];
}

/** The value of `column` as a string (distilabel hashes and slices these). */
export function requireString(row: Row, column: string, where: RowLocation): string {
  const value = requireColumn(row, column, where);
  if (typeof value !== "string") throw rowDataError(where, column, `expected a string, got ${describeValue(value)}`);
  return value;
}

/** The value of `column` as a list. */
export function requireList(row: Row, column: string, where: RowLocation): unknown[] {
  const value = requireColumn(row, column, where);
  if (!Array.isArray(value)) throw rowDataError(where, column, `expected a list, got ${describeValue(value)}`);
  return value;
}

export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === "string") return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `a ${typeof value} (${JSON.stringify(value)?.slice(0, 60) ?? String(value)})`;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
