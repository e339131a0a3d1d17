import type { Row } from "../../../core/row.js";

/** The rows of several predecessors zipped position by position; the zip stops at the shortest input. */
export function zipInputs(inputs: Row[][]): Row[][] {
  const length = inputs.length === 0 ? 0 : Math.min(...inputs.map((rows) => rows.length));
  return Array.from({ length }, (_, index) => inputs.map((rows) => rows[index] as Row));
}
