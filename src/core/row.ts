/** A dataset row: column name to a JSON-compatible value. */
export type Row = Record<string, unknown>;

/**
 * A step's columns: a list (all required) or a map of column name to `required`, as in
 * distilabel's `StepColumns`.
 */
export type StepColumns = readonly string[] | Readonly<Record<string, boolean>>;

export function columnsAsRecord(columns: StepColumns): Record<string, boolean> {
  if (Array.isArray(columns)) return Object.fromEntries((columns as readonly string[]).map((c) => [c, true]));
  return { ...(columns as Record<string, boolean>) };
}

export function columnNames(columns: StepColumns): string[] {
  return Array.isArray(columns) ? [...(columns as readonly string[])] : Object.keys(columns);
}

/** The column where tasks keep raw inputs/outputs and statistics (dropped from the Distiset unless `enable_metadata`). */
export const DISTILABEL_METADATA_KEY = "distilabel_metadata";
