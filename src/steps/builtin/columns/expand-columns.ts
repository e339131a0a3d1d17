import type { OptionsArgs } from "../../../components/component.js";
import { z } from "zod";
import { OptionError } from "../../../errors.js";
import type { Row, StepColumns } from "../../../core/row.js";
import { attribute } from "../../../components/attributes.js";
import { Step, stepAttributes, type StepOptions } from "../../base-step.js";
import type { StepContext } from "../../step-context.js";
import { DISTILABEL_METADATA_KEY } from "../support/distilabel-metadata.js";
import { describeValue, isPlainObject, requireColumn, rowDataError, type RowLocation } from "../../../core/row-checks.js";

/** A list of columns means "expand each into itself"; distilabel stores the dict form. */
const columnsSchema = z
  .union([z.array(z.string()).min(1, "columns needs at least one column name"), z.record(z.string(), z.string())])
  .transform((value): Record<string, string> => (Array.isArray(value) ? Object.fromEntries(value.map((c) => [c, c])) : value))
  .refine((value) => Object.keys(value).length > 0, "columns needs at least one column name");

const schema = stepAttributes.extend({
  columns: attribute(columnsSchema, "The list columns to expand: a list, or a dict from the column to the name of the expanded column."),
  encoded: attribute(
    z.union([z.boolean(), z.array(z.string())]).default(false),
    "Whether the columns hold JSON-encoded lists to decode before expanding: true for all of them, or the list of those that do.",
  ),
  splitStatistics: attribute(
    z.boolean().default(false),
    "Whether to divide the token counts in `distilabel_metadata` statistics by the number of rows a row expands into.",
  ),
});

/**
 * Explodes list columns into one row per element (distilabel's `ExpandColumns`). The other
 * columns are copied into every new row; an expanded column written under a new name keeps its
 * source column as it was. Every expanded column of a row must have the same length, and a row
 * whose lists are empty produces no rows.
 *
 * With `split_statistics`, each `statistics_*` entry of `distilabel_metadata` becomes
 * `{input_tokens, output_tokens}` with each count floor-divided by the number of new rows, and
 * each new row gets its own copy. Metadata that is already a list (one dict per generation) is
 * expanded element by element instead and must have the same length. Missing or empty metadata
 * is left as it is.
 *
 * @example
 * new ExpandColumns({ columns: { generations: "generation" }, splitStatistics: true });
 */
export class ExpandColumns extends Step<typeof schema> {
  static override readonly typeName = "ExpandColumns";
  static override readonly attributes = schema;

  constructor(...args: OptionsArgs<StepOptions<typeof schema>>) {
    super(...args);
    const { encoded, columns } = this.attrs;
    const sources = Object.keys(columns);
    if (Array.isArray(encoded)) {
      const outside = encoded.filter((column) => !sources.includes(column));
      if (outside.length > 0) {
        throw new OptionError(
          `${this.describeSelf()}: the 'encoded' columns must be a subset of the 'columns' selected for expansion; not selected: ${outside.join(", ")}`,
          { component: this.name, field: "encoded", expected: `a subset of ${JSON.stringify(sources)}` },
        );
      }
    } else {
      // distilabel stores the resolved list, so the dump says which columns are decoded
      this.attrs.encoded = encoded ? sources : [];
    }
  }

  override get inputs(): StepColumns {
    return Object.keys(this.attrs.columns);
  }

  override get outputs(): StepColumns {
    return Object.entries(this.attrs.columns).map(([source, target]) => target || source);
  }

  async process(inputs: Row[][], _context?: StepContext): Promise<Row[]> {
    return (inputs[0] ?? []).flatMap((row, index) => this.expandRow(row, { step: this.name, row: index }));
  }

  private expandRow(input: Row, where: RowLocation): Row[] {
    const row: Row = { ...input };
    for (const column of this.attrs.encoded as string[]) row[column] = decodeJsonList(row, column, where);
    const pairs = Object.entries(this.attrs.columns).map(([source, target]) => {
      const values = requireColumn(row, source, where);
      if (!Array.isArray(values)) throw rowDataError(where, source, `expected a list to expand, got ${describeValue(values)}`);
      return { target: target || source, values };
    });
    const count = pairs[0]?.values.length ?? 0;
    const uneven = pairs.find((pair) => pair.values.length !== count);
    if (uneven) {
      const lengths = Object.keys(this.attrs.columns).map((source, i) => `${source}=${pairs[i]?.values.length}`);
      throw rowDataError(where, uneven.target, `the columns to expand must have the same number of items; got ${lengths.join(", ")}`);
    }
    const metadata = this.attrs.splitStatistics ? splitMetadata(row[DISTILABEL_METADATA_KEY], count, where) : undefined;
    return Array.from({ length: count }, (_, i) => {
      const out: Row = { ...row };
      for (const { target, values } of pairs) out[target] = values[i];
      if (metadata) out[DISTILABEL_METADATA_KEY] = metadata[i];
      return out;
    });
  }
}

function decodeJsonList(row: Row, column: string, where: RowLocation): unknown {
  const value = requireColumn(row, column, where);
  if (typeof value !== "string") throw rowDataError(where, column, `expected a JSON-encoded string (the column is in 'encoded'), got ${describeValue(value)}`);
  try {
    return JSON.parse(value) as unknown;
  } catch (error) {
    throw rowDataError(where, column, `is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** One metadata value per new row, or undefined when the metadata is left alone. */
function splitMetadata(metadata: unknown, count: number, where: RowLocation): unknown[] | undefined {
  if (Array.isArray(metadata)) {
    if (metadata.length === 0) return undefined;
    if (metadata.length !== count) {
      throw rowDataError(where, DISTILABEL_METADATA_KEY, `holds a list of ${metadata.length} entries but the row expands into ${count} rows`);
    }
    return metadata;
  }
  if (!isPlainObject(metadata) || Object.keys(metadata).length === 0) return undefined;
  const split: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(metadata)) {
    split[key] =
      key.startsWith("statistics_") && isPlainObject(value) && "input_tokens" in value && "output_tokens" in value
        ? { input_tokens: divideCounts(value.input_tokens, count), output_tokens: divideCounts(value.output_tokens, count) }
        : value;
  }
  return Array.from({ length: count }, () => structuredClone(split));
}

/** Python's `value // n` over a count or a list of counts; the result is always a list. */
function divideCounts(value: unknown, count: number): unknown[] {
  const values = Array.isArray(value) ? value : [value];
  return values.map((v) => (typeof v === "number" ? Math.floor(v / count) : v));
}
