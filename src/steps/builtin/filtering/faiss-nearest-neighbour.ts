import { z } from "zod";
import { runtimeParameter } from "../../../components/attributes.js";
import type { Row, StepColumns } from "../../../core/row.js";
import { GlobalStep, stepAttributes } from "../../base-step.js";
import type { StepContext } from "../../step-context.js";
import { readEmbeddingMatrix } from "../../../kernels/embedding-matrix.js";
import { exactKnn, type KnnMetric } from "../../../kernels/exact-knn.js";

/** faiss's metric constants (`faiss.METRIC_INNER_PRODUCT = 0`, `faiss.METRIC_L2 = 1`) and their names. */
const METRIC_NAMES: Record<string, KnnMetric> = {
  "0": "inner_product",
  "1": "l2",
  l2: "l2",
  metric_l2: "l2",
  inner_product: "inner_product",
  metric_inner_product: "inner_product",
  ip: "inner_product",
};

/** The metric a `metric_type` value names; `null` is faiss's default, L2. */
export function resolveMetricType(value: number | string | null): KnnMetric | undefined {
  return value === null ? "l2" : METRIC_NAMES[String(value).toLowerCase()];
}

const schema = stepAttributes.extend({
  device: runtimeParameter(
    z
      .union([z.number().int(), z.array(z.number().int())])
      .nullable()
      .default(null),
    "GPU device id(s) for faiss. Accepted for compatibility with distilabel; the search runs on the CPU of the Worker.",
  ),
  stringFactory: runtimeParameter(
    z.string().nullable().default(null),
    "The faiss index factory string. Accepted for compatibility with distilabel and unused: the search is always exact (brute force), as a flat index gives.",
  ),
  metricType: runtimeParameter(
    z
      .union([z.number().int(), z.string()])
      .refine((value) => resolveMetricType(value) !== undefined, {
        message: "metric_type must be faiss.METRIC_L2 (1), faiss.METRIC_INNER_PRODUCT (0), 'L2' or 'inner_product'",
      })
      .nullable()
      .default(null),
    "The metric to measure the distance between the points: faiss.METRIC_L2 (1 or 'L2', squared euclidean distance; the default) or faiss.METRIC_INNER_PRODUCT (0 or 'inner_product').",
  ),
  k: runtimeParameter(z.number().int().positive().default(1), "How many neighbours each row gets."),
  searchBatchSize: runtimeParameter(
    z.number().int().positive().default(50),
    "Rows per faiss search call. Accepted for compatibility with distilabel; results never depend on it, the search works in fixed tiles.",
  ),
  trainSize: runtimeParameter(
    z.number().int().positive().nullable().default(null),
    "Vectors used to train a faiss index that needs training. Accepted for compatibility with distilabel and unused: an exact search needs no training.",
  ),
});

/**
 * The `k` nearest neighbours of every row among all rows (distilabel's `FaissNearestNeighbour`),
 * by an exact brute-force search in plain TypeScript instead of a faiss index.
 *
 * distilabel builds the index from the rows themselves, searches each row's `k + 1` nearest and
 * drops the first result, expecting it to be the row itself. This step does exactly that, so:
 * - `nn_indices` are row positions in this step's input, `nn_scores` the squared L2 distances
 *   (default) or inner products, as float32 values, nearest first;
 * - the dropped result is the first one, whichever row it is: a row with an identical twin may
 *   list itself (L2 keeps the lower index first, inner product the higher one, as faiss does),
 *   and with inner products of unnormalized vectors another row may outrank the row itself;
 * - with `k` at least the number of rows, the lists end with index -1 and score
 *   3.4028234663852886e38 (L2) or its negative (inner product), faiss's padding.
 *
 * `string_factory`, `train_size`, `device` and `search_batch_size` are accepted so distilabel
 * pipelines load unchanged; none changes the result (an approximate faiss index may miss
 * neighbours this search finds). Embeddings are rounded to float32 as faiss stores them; each
 * score is the exact value rounded once to float32, so it may differ from faiss's float32
 * arithmetic in the last bits (faiss reports a row's distance to itself as, e.g., 4e-6 where
 * this step reports 0); the neighbours matched faiss 1.7.3 on every case compared.
 *
 * Cost: rows^2 / 2 dot products (each pair once, in 128-row tiles), 1.5 to 2 billion
 * multiply-adds a second on one core. Measured with Node 20 on this project's 2-core machine
 * while other jobs ran: 20,000 x 768 in 91 s (either metric, k = 5), 5,000 x 768 in about 6 s.
 * Memory is rows x dim x 8 bytes on top of the rows, so on Workers (128 MB per isolate, rows
 * included) keep rows x dim to a few million; 20,000 x 768 needs a machine, not a Worker.
 *
 * @example
 * const nn = new FaissNearestNeighbour({ k: 3, metricType: "inner_product" });
 * embeddings.connect(nn);
 */
export class FaissNearestNeighbour extends GlobalStep<typeof schema> {
  static override readonly typeName = "FaissNearestNeighbour";
  static override readonly attributes = schema;
  static override readonly inputs: StepColumns = ["embedding"];
  static override readonly outputs: StepColumns = ["nn_indices", "nn_scores"];

  async process(inputs: Row[][], context?: StepContext): Promise<Row[]> {
    const rows = inputs[0] ?? [];
    if (rows.length === 0) return [];
    const { k, metricType, stringFactory } = this.attrs;
    if (stringFactory !== null) {
      context?.logger.info(`string_factory '${stringFactory}' is not used: the nearest neighbours are searched exactly, as with a flat index`);
    }
    const matrix = readEmbeddingMatrix(rows, { step: this.name, column: "embedding", precision: "float32" });
    const width = k + 1;
    const { indices, scores } = exactKnn(matrix, { k: width, metric: resolveMetricType(metricType) ?? "l2" });
    return rows.map((row, r) => ({
      ...row,
      nn_indices: Array.from(indices.subarray(r * width + 1, (r + 1) * width)),
      nn_scores: Array.from(scores.subarray(r * width + 1, (r + 1) * width)),
    }));
  }
}
