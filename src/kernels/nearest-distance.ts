import type { EmbeddingMatrix } from "./embedding-matrix.js";
import { firstColumn, forEachPairTile, squaredNorms } from "./pair-tiles.js";

export type DistanceMetric = "cosine" | "manhattan";

/**
 * Each row's distance to its nearest other row (its own index excluded, an identical twin
 * counts): `1 - <x, y>` for `cosine` (a cosine distance when the rows are unit vectors) or the
 * L1 distance for `manhattan`. A single row has no other row: its distance is Infinity.
 *
 * @example
 * const distances = nearestNeighbourDistances(matrix, "cosine");
 */
export function nearestNeighbourDistances(matrix: EmbeddingMatrix, metric: DistanceMetric): Float64Array {
  const distances = new Float64Array(matrix.rows).fill(Infinity);
  forEachPairTile(matrix, metric === "cosine" ? "dot" : "manhattan", (tile) => {
    const width = tile.colEnd - tile.colStart;
    for (let i = tile.rowStart; i < tile.rowEnd; i++) {
      const offset = (i - tile.rowStart) * width - tile.colStart;
      for (let j = firstColumn(tile, i); j < tile.colEnd; j++) {
        if (j === i) continue;
        const value = tile.values[offset + j]!;
        const distance = metric === "cosine" ? 1 - value : value;
        if (distance < distances[i]!) distances[i] = distance;
        if (distance < distances[j]!) distances[j] = distance;
      }
    }
  });
  return distances;
}

/** The index of the first row whose euclidean norm is zero (it has no direction), or -1. */
export function findZeroRow(matrix: EmbeddingMatrix): number {
  return squaredNorms(matrix).indexOf(0);
}

/** Each row divided by its euclidean norm, in double precision as numpy does. */
export function normalizeRows(matrix: EmbeddingMatrix): EmbeddingMatrix {
  const { data, rows, dim } = matrix;
  const out = new Float64Array(rows * dim);
  const norms = squaredNorms(matrix);
  for (let r = 0; r < rows; r++) {
    const start = r * dim;
    const norm = Math.sqrt(norms[r]!);
    for (let t = 0; t < dim; t++) out[start + t] = data[start + t]! / norm;
  }
  return { data: out, rows, dim };
}
