import { DistilflareError } from "../../errors.js";
import type { Row } from "../../core/row.js";

/**
 * Checks of input column values a prompt cannot be built without. A bad value is a data
 * problem of the batch (distilabel raises from `format_input` too), reported with the step,
 * the column and what was expected.
 */

function badInput(step: string, field: string, expected: string, value: unknown): DistilflareError {
  const got = value === null ? "null" : Array.isArray(value) ? `a list of ${value.length}` : typeof value;
  return new DistilflareError("step_failed", `Step '${step}': input column '${field}' must be ${expected}, got ${got}`, { step, field, expected });
}

/** The string in `row[field]`. */
export function stringInput(row: Row, field: string, step: string): string {
  const value = row[field];
  if (typeof value !== "string") throw badInput(step, field, "a string", value);
  return value;
}

/** The list in `row[field]` (items untouched: a failed upstream generation may be null). */
export function listInput(row: Row, field: string, step: string): unknown[] {
  const value = row[field];
  if (!Array.isArray(value)) throw badInput(step, field, "a list", value);
  return value;
}

/** The list of strings in `row[field]`, optionally of an exact length. */
export function stringListInput(row: Row, field: string, step: string, length?: number): string[] {
  const value = row[field];
  const expected = length === undefined ? "a list of strings" : `a list of exactly ${length} strings`;
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string") || (length !== undefined && value.length !== length)) {
    throw badInput(step, field, expected, value);
  }
  return value as string[];
}

/** How many items the list in `row[field]` has, when the row and the list are there. */
export function listLength(row: Row | undefined, field: string): number | undefined {
  const value = row?.[field];
  return Array.isArray(value) ? value.length : undefined;
}
