import type { OptionsArgs } from "../../../components/component.js";
import { z } from "zod";
import { OptionError } from "../../../errors.js";
import type { Row, StepColumns } from "../../../core/row.js";
import { attribute } from "../../../components/attributes.js";
import { Step, stepAttributes, type StepOptions } from "../../base-step.js";
import type { StepContext } from "../../step-context.js";
import { DISTILABEL_METADATA_KEY, mergeDistilabelMetadata } from "../support/distilabel-metadata.js";
import { zipInputs } from "../support/zip-inputs.js";

const schema = stepAttributes.extend({
  columns: attribute(z.array(z.string()).min(1, "columns needs at least one column name"), "The columns to group into lists."),
  outputColumns: attribute(z.array(z.string()).optional(), "The names of the grouped columns, one per entry of `columns`; `grouped_<column>` when unset."),
});

/**
 * Zips the rows of several predecessors position by position (distilabel's `GroupColumns`).
 * Each of `columns` becomes a list of the values found in the zipped rows (rows lacking the
 * column add nothing), named `grouped_<column>` or the matching `output_columns` entry. Other
 * columns are copied: the first row that has a column fixes its position, later predecessors
 * overwrite its value, as in distilabel. `distilabel_metadata` is merged
 * (see `mergeDistilabelMetadata`). The zip stops at the shortest input.
 *
 * @example
 * new GroupColumns({ columns: ["generation", "model_name"], outputColumns: ["generations", "generation_models"] });
 */
export class GroupColumns extends Step<typeof schema> {
  static override readonly typeName = "GroupColumns";
  static override readonly attributes = schema;
  override readonly acceptsMultipleInputs = true;

  constructor(...args: OptionsArgs<StepOptions<typeof schema>>) {
    super(...args);
    const { columns, outputColumns } = this.attrs;
    if (outputColumns !== undefined && outputColumns.length !== columns.length) {
      throw new OptionError(
        `${this.describeSelf()}: output_columns has ${outputColumns.length} names but columns has ${columns.length}; they must have the same length`,
        { component: this.name, field: "output_columns", expected: `a list of ${columns.length} column names` },
      );
    }
  }

  override get inputs(): StepColumns {
    return this.attrs.columns;
  }

  override get outputs(): StepColumns {
    return this.attrs.outputColumns ?? this.attrs.columns.map((column) => `grouped_${column}`);
  }

  async process(inputs: Row[][], _context?: StepContext): Promise<Row[]> {
    const outputs = this.outputs as string[];
    const renames = new Map(this.attrs.columns.map((column, i) => [column, outputs[i] as string]));
    return zipInputs(inputs).map((zipped) => {
      const combined: Row = {};
      for (const row of zipped) {
        for (const [key, value] of Object.entries(row)) {
          if (key === DISTILABEL_METADATA_KEY) continue;
          const target = renames.get(key);
          if (target === undefined) {
            combined[key] = value;
            continue;
          }
          const list = (combined[target] as unknown[] | undefined) ?? [];
          list.push(value);
          combined[target] = list;
        }
      }
      const withMetadata = zipped.filter((row) => DISTILABEL_METADATA_KEY in row);
      if (withMetadata.length > 0) combined[DISTILABEL_METADATA_KEY] = mergeDistilabelMetadata(withMetadata);
      return combined;
    });
  }
}
