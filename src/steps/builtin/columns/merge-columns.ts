import { z } from "zod";
import type { Row, StepColumns } from "../../../core/row.js";
import { attribute } from "../../../components/attributes.js";
import { Step, stepAttributes } from "../../base-step.js";
import type { StepContext } from "../../step-context.js";
import { requireColumn } from "../../../core/row-checks.js";

const schema = stepAttributes.extend({
  columns: attribute(z.array(z.string()).min(1, "columns needs at least one column name"), "The columns to merge, in this order."),
  outputColumn: attribute(z.string().min(1).default("merged_column"), "The column that receives the merged list."),
});

/**
 * Within each row, removes `columns` and writes the concatenation of their values to
 * `output_column` (distilabel's `MergeColumns`): list values are spread, other values added as
 * one element. The output column goes last, even when it has the name of a merged column.
 *
 * @example
 * new MergeColumns({ columns: ["queries", "multiple_queries"], outputColumn: "queries" });
 */
export class MergeColumns extends Step<typeof schema> {
  static override readonly typeName = "MergeColumns";
  static override readonly attributes = schema;

  override get inputs(): StepColumns {
    return this.attrs.columns;
  }

  override get outputs(): StepColumns {
    return [this.attrs.outputColumn];
  }

  async process(inputs: Row[][], _context?: StepContext): Promise<Row[]> {
    return (inputs[0] ?? []).map((row, index) => {
      const out: Row = { ...row };
      const merged: unknown[] = [];
      for (const column of this.attrs.columns) {
        const value = requireColumn(out, column, { step: this.name, row: index });
        delete out[column];
        if (Array.isArray(value)) merged.push(...value);
        else merged.push(value);
      }
      out[this.attrs.outputColumn] = merged;
      return out;
    });
  }
}
