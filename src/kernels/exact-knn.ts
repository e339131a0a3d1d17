import type { EmbeddingMatrix } from "./embedding-matrix.js";
import { firstColumn, forEachPairTile, squaredNorms, type PairTile } from "./pair-tiles.js";

/** faiss's two flat-index metrics: squared euclidean distance, or inner product. */
export type KnnMetric = "l2" | "inner_product";

/** `k` results per row, row-major: row `r`'s are `[r * k, (r + 1) * k)`. */
export interface KnnResult {
  k: number;
  indices: Int32Array;
  scores: Float32Array;
}

const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Searches every row's `k` nearest rows among all rows (the row itself included), as a faiss
 * `IndexFlat` built from the same vectors and queried with them returns them:
 *
 * - `l2`: squared euclidean distances, nearest first; `inner_product`: inner products, largest
 *   first. Scores are rounded to float32, as faiss returns them.
 * - Ties: a result list fills in ascending row order, a newcomer enters only when it beats the
 *   worst kept score strictly, and it then evicts faiss's heap top (for `l2` the largest index
 *   among the worst, for `inner_product` the smallest). Lists are sorted with ties by ascending
 *   index for `l2` and descending index for `inner_product` (faiss >= 1.7.3, checked against
 *   faiss 1.7.3: for two identical vectors 0 and 2, l2 gives [0, 2] and inner product [2, 0]).
 * - With fewer than `k` rows, the list ends with index -1 and score float32 max (`l2`) or its
 *   negative (`inner_product`).
 *
 * Exact brute force over all pairs, each computed once in double precision.
 */
export function exactKnn(matrix: EmbeddingMatrix, options: { k: number; metric: KnnMetric }): KnnResult {
  const { k, metric } = options;
  const n = matrix.rows;
  const indices = new Int32Array(n * k).fill(-1);
  const scores = new Float32Array(n * k).fill(metric === "l2" ? FLOAT32_MAX : -FLOAT32_MAX);
  const sign = metric === "l2" ? 1 : -1;
  const norms = metric === "l2" ? squaredNorms(matrix) : undefined;
  forEachPairTile(matrix, "dot", (tile: PairTile) => {
    const width = tile.colEnd - tile.colStart;
    for (let i = tile.rowStart; i < tile.rowEnd; i++) {
      const offset = (i - tile.rowStart) * width - tile.colStart;
      for (let j = firstColumn(tile, i); j < tile.colEnd; j++) {
        const dot = tile.values[offset + j]!;
        // faiss's BLAS path: |x|^2 + |y|^2 - 2<x, y>, with round-off below zero clamped
        const score = Math.fround(norms ? Math.max(0, norms[i]! + norms[j]! - 2 * dot) : dot);
        offer(indices, scores, i * k, k, sign, score, j);
        if (j !== i) offer(indices, scores, j * k, k, sign, score, i);
      }
    }
  });
  return { k, indices, scores };
}

/**
 * Offers row `id` with `score` to the sorted list at `start`. A row's list is kept sorted best
 * first, so its last slot is faiss's heap top (the one a better newcomer evicts); admission
 * compares scores only, as faiss does. `sign` 1 keeps the smallest scores with ties by ascending
 * index (`l2`), -1 the largest with ties by descending index (`inner_product`).
 */
function offer(indices: Int32Array, scores: Float32Array, start: number, k: number, sign: 1 | -1, score: number, id: number): void {
  const last = start + k - 1;
  const key = sign * score;
  if (!(key < sign * scores[last]!)) return;
  let at = last;
  while (at > start && (sign * scores[at - 1]! > key || (scores[at - 1] === score && sign * indices[at - 1]! > sign * id))) {
    scores[at] = scores[at - 1]!;
    indices[at] = indices[at - 1]!;
    at--;
  }
  scores[at] = score;
  indices[at] = id;
}
