import type { Row, StepColumns } from "../../../core/row.js";
import { Step } from "../../base-step.js";
import type { StepContext } from "../../step-context.js";
import { DISTILABEL_METADATA_KEY, mergeDistilabelMetadata } from "../support/distilabel-metadata.js";
import { zipInputs } from "../support/zip-inputs.js";

/**
 * Zips the rows of several predecessors position by position into one row each (distilabel's
 * `CombineOutputs`): columns are merged with later predecessors winning, and
 * `distilabel_metadata` is always written, merged from every zipped row (`{}` when none has
 * any). The zip stops at the shortest input.
 *
 * @example
 * new CombineOutputs();
 */
export class CombineOutputs extends Step {
  static override readonly typeName = "CombineOutputs";
  static override readonly inputs: StepColumns = [];
  static override readonly outputs: StepColumns = [];
  override readonly acceptsMultipleInputs = true;

  async process(inputs: Row[][], _context?: StepContext): Promise<Row[]> {
    return zipInputs(inputs).map((zipped) => {
      const combined: Row = {};
      for (const row of zipped) {
        for (const [key, value] of Object.entries(row)) if (key !== DISTILABEL_METADATA_KEY) combined[key] = value;
      }
      combined[DISTILABEL_METADATA_KEY] = mergeDistilabelMetadata(zipped);
      return combined;
    });
  }
}
