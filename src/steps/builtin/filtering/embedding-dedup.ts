import { z } from "zod";
import { attribute } from "../../../components/attributes.js";
import type { Row, StepColumns } from "../../../core/row.js";
import { GlobalStep, stepAttributes } from "../../base-step.js";
import type { StepContext } from "../../step-context.js";
import { describeValue, requireList, rowDataError, type RowLocation } from "../../../core/row-checks.js";

export const EMBEDDING_KEEP_COLUMN = "keep_row_after_embedding_filtering";

const schema = stepAttributes.extend({
  threshold: attribute(
    z.number().default(0.9),
    "A neighbour whose score is above this value is a duplicate. It depends on the index's metric: with inner products of normalized embeddings (cosine similarity) 0.9 marks pairs more similar than 0.9; higher values find fewer duplicates.",
  ),
});

/**
 * Near-duplicate removal from nearest-neighbour results (distilabel's `EmbeddingDedup`),
 * typically after `FaissNearestNeighbour` with `metric_type` inner product on normalized
 * embeddings.
 *
 * distilabel's rule, kept exactly: every row listed in some row's `nn_indices` with a score
 * strictly above `threshold` gets `keep_row_after_embedding_filtering = false`, every other row
 * `true`. So both rows of a mutual near-duplicate pair are dropped, and a row can be dropped by
 * its own entry. `nn_indices` are positions in this step's input, read as Python indexes: a
 * negative one counts from the end (faiss's -1 "no neighbour" padding therefore points at the
 * last row when its score passes), and an index beyond the rows is an error when its score
 * passes. Scores must be numbers (NaN never passes). The rows keep their order; nothing is
 * removed here, the flag is for a later filter.
 *
 * @example
 * nearestNeighbours.connect(new EmbeddingDedup({ threshold: 0.8 }));
 */
export class EmbeddingDedup extends GlobalStep<typeof schema> {
  static override readonly typeName = "EmbeddingDedup";
  static override readonly attributes = schema;
  static override readonly inputs: StepColumns = ["nn_scores", "nn_indices"];
  static override readonly outputs: StepColumns = [EMBEDDING_KEEP_COLUMN];

  async process(inputs: Row[][], _context?: StepContext): Promise<Row[]> {
    const rows = inputs[0] ?? [];
    const { threshold } = this.attrs;
    const duplicates = new Set<number>();
    rows.forEach((row, position) => {
      const where: RowLocation = { step: this.name, row: position };
      const indices = requireList(row, "nn_indices", where);
      const scores = requireList(row, "nn_scores", where);
      if (indices.length !== scores.length) {
        throw rowDataError(where, "nn_scores", `has ${scores.length} scores for ${indices.length} nn_indices; each neighbour needs one score`);
      }
      scores.forEach((score, slot) => {
        if (typeof score !== "number") throw rowDataError(where, "nn_scores", `score ${slot} is ${describeValue(score)}; expected a number`);
        const index = indices[slot];
        if (typeof index !== "number" || !Number.isInteger(index)) {
          throw rowDataError(where, "nn_indices", `index ${slot} is ${describeValue(index)}; expected an integer row position`);
        }
        if (score > threshold) duplicates.add(pythonIndex(index, rows.length, where));
      });
    });
    return rows.map((row, position) => ({ ...row, [EMBEDDING_KEEP_COLUMN]: !duplicates.has(position) }));
  }
}

/** A list position the way Python reads `rows[index]`: negative counts from the end. */
function pythonIndex(index: number, length: number, where: RowLocation): number {
  const position = index < 0 ? index + length : index;
  if (position < 0 || position >= length) {
    throw rowDataError(where, "nn_indices", `neighbour index ${index} is out of range: the step received ${length} rows`);
  }
  return position;
}
