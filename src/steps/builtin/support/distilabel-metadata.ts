import { DISTILABEL_METADATA_KEY, type Row } from "../../../core/row.js";
import { isPlainObject } from "../../../core/row-checks.js";

export { DISTILABEL_METADATA_KEY };

/**
 * Merges the `distilabel_metadata` of rows being zipped into one (distilabel's
 * `merge_distilabel_metadata`):
 * - dict metadata: every key collects its values in row order; a key seen once keeps its value,
 *   a key seen several times becomes the list of its values;
 * - list metadata (a task with `group_generations=True` keeps one dict per generation): the
 *   lists are concatenated, and once a list is met the result is a list. As in distilabel, the
 *   dict keys gathered before the first list are dropped then.
 *
 * Rows without metadata (missing or null) contribute nothing. Where distilabel would crash (a
 * dict after a list), the dict is appended to the list as one more element.
 */
export function mergeDistilabelMetadata(rows: readonly Row[]): Record<string, unknown> | unknown[] {
  let byKey: Map<string, unknown[]> | undefined = new Map();
  let list: unknown[] | undefined;
  for (const row of rows) {
    const metadata = row[DISTILABEL_METADATA_KEY];
    if (Array.isArray(metadata)) {
      list ??= [];
      byKey = undefined;
      list.push(...metadata);
    } else if (isPlainObject(metadata)) {
      if (list) {
        list.push(metadata);
        continue;
      }
      for (const [key, value] of Object.entries(metadata)) {
        const values = byKey?.get(key) ?? [];
        values.push(value);
        byKey?.set(key, values);
      }
    }
  }
  if (list) return list;
  const merged: Record<string, unknown> = {};
  for (const [key, values] of byKey ?? []) merged[key] = values.length === 1 ? values[0] : values;
  return merged;
}
