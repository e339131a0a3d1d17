import { z } from "zod";
import type { Row, StepColumns } from "../../../core/row.js";
import { attribute } from "../../../components/attributes.js";
import { Step, stepAttributes } from "../../base-step.js";
import type { StepContext } from "../../step-context.js";
import { requireColumn } from "../../../core/row-checks.js";

const schema = stepAttributes.extend({
  columns: attribute(z.array(z.string()).min(1, "columns needs at least one column name"), "The columns to keep, in this order."),
});

/**
 * Keeps only `columns`, in the order given (distilabel's `KeepColumns`). A row without one of
 * them fails the batch.
 *
 * @example
 * new KeepColumns({ columns: ["instruction", "generation"] });
 */
export class KeepColumns extends Step<typeof schema> {
  static override readonly typeName = "KeepColumns";
  static override readonly attributes = schema;

  override get inputs(): StepColumns {
    return this.attrs.columns;
  }

  override get outputs(): StepColumns {
    return this.attrs.columns;
  }

  async process(inputs: Row[][], _context?: StepContext): Promise<Row[]> {
    return (inputs[0] ?? []).map((row, index) => {
      const out: Row = {};
      for (const column of this.attrs.columns) out[column] = requireColumn(row, column, { step: this.name, row: index });
      return out;
    });
  }
}
