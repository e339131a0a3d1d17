import type { EmbeddingMatrix } from "./embedding-matrix.js";

/** What a tile holds for a pair of rows: their dot product or their L1 (manhattan) distance. */
export type PairKernel = "dot" | "manhattan";

/**
 * One block of the pair matrix: `values[(i - rowStart) * width + (j - colStart)]` for rows
 * `rowStart <= i < rowEnd` and columns `colStart <= j < colEnd`, with `width = colEnd - colStart`.
 * On a diagonal tile (`rowStart === colStart`) only the cells with `j >= i` are meant to be read.
 */
export interface PairTile {
  rowStart: number;
  rowEnd: number;
  colStart: number;
  colEnd: number;
  values: Float64Array;
}

/** Rows per tile side: two 128-row blocks of 768 doubles (1.5 MB) stay within a typical L2 cache. */
const TILE_ROWS = 128;

/**
 * Computes `kernel` for every unordered pair of rows (i <= j, the row with itself included),
 * tile by tile, and hands each tile to `visit`; the buffer is reused, so `visit` must read it
 * before returning. Each value is summed in double precision in dimension order, so a pair's
 * value is bit-identical whichever tile computes it (identical vectors tie exactly).
 *
 * Tiles come in row-block order, then column-block order. A visitor that walks each tile row
 * by row, left to right, and credits a cell to both row `i` and row `j` therefore credits every
 * row its partners in ascending index order, the order a flat faiss index scans in.
 *
 * @example
 * forEachPairTile(matrix, "dot", (tile) => { for (let i = tile.rowStart; i < tile.rowEnd; i++) { ... } });
 */
export function forEachPairTile(matrix: EmbeddingMatrix, kernel: PairKernel, visit: (tile: PairTile) => void): void {
  const { rows } = matrix;
  const values = new Float64Array(TILE_ROWS * TILE_ROWS);
  for (let rowStart = 0; rowStart < rows; rowStart += TILE_ROWS) {
    const rowEnd = Math.min(rows, rowStart + TILE_ROWS);
    for (let colStart = rowStart; colStart < rows; colStart += TILE_ROWS) {
      const colEnd = Math.min(rows, colStart + TILE_ROWS);
      const tile: PairTile = { rowStart, rowEnd, colStart, colEnd, values };
      computeTile(matrix, kernel, tile);
      visit(tile);
    }
  }
}

/** The first column of row `i` that a visitor should read in `tile`. */
export function firstColumn(tile: PairTile, i: number): number {
  return tile.rowStart === tile.colStart ? i : tile.colStart;
}

/** Each row's dot product with itself (its squared euclidean norm), summed in the same order as the tiles sum them. */
export function squaredNorms(matrix: EmbeddingMatrix): Float64Array {
  const { data, rows, dim } = matrix;
  const norms = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const a = r * dim;
    let sum = 0;
    for (let t = 0; t < dim; t++) sum += data[a + t]! * data[a + t]!;
    norms[r] = sum;
  }
  return norms;
}

// The kernels work on 4x4 blocks of rows so each loaded value is used four times from a
// register; the rows and columns left over (from rowStop, from colStop) go one pair at a time.
// Every accumulator sums its pair in dimension order, so both paths give identical bits. The
// block loop and the edge loop are separate functions on purpose: code after the hot loop,
// never run when V8 compiled the loop on the stack, deoptimized it on every tile (40% slower).

function computeTile(matrix: EmbeddingMatrix, kernel: PairKernel, tile: PairTile): void {
  const { data, dim } = matrix;
  const rowStop = tile.rowStart + ((tile.rowEnd - tile.rowStart) & ~3);
  const colStop = tile.colStart + ((tile.colEnd - tile.colStart) & ~3);
  if (kernel === "dot") dotBlocks(data, dim, tile, rowStop, colStop);
  else manhattanBlocks(data, dim, tile, rowStop, colStop);
  edges(data, dim, kernel, tile, rowStop, colStop);
}

// biome-ignore format: the 4x4 unrolled kernel reads as a grid.
function dotBlocks(data: Float64Array, d: number, tile: PairTile, rowStop: number, colStop: number): void {
  const { rowStart, colStart, values } = tile;
  const width = tile.colEnd - colStart;
  for (let i = rowStart; i < rowStop; i += 4) {
    const a0 = i * d, a1 = a0 + d, a2 = a1 + d, a3 = a2 + d;
    const o0 = (i - rowStart) * width - colStart, o1 = o0 + width, o2 = o1 + width, o3 = o2 + width;
    for (let j = colStart; j < colStop; j += 4) {
      const b0 = j * d, b1 = b0 + d, b2 = b1 + d, b3 = b2 + d;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      for (let t = 0; t < d; t++) {
        const x0 = data[a0 + t]!, x1 = data[a1 + t]!, x2 = data[a2 + t]!, x3 = data[a3 + t]!;
        const y0 = data[b0 + t]!, y1 = data[b1 + t]!, y2 = data[b2 + t]!, y3 = data[b3 + t]!;
        s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
        s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
        s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2; s23 += x2 * y3;
        s30 += x3 * y0; s31 += x3 * y1; s32 += x3 * y2; s33 += x3 * y3;
      }
      values[o0 + j] = s00; values[o0 + j + 1] = s01; values[o0 + j + 2] = s02; values[o0 + j + 3] = s03;
      values[o1 + j] = s10; values[o1 + j + 1] = s11; values[o1 + j + 2] = s12; values[o1 + j + 3] = s13;
      values[o2 + j] = s20; values[o2 + j + 1] = s21; values[o2 + j + 2] = s22; values[o2 + j + 3] = s23;
      values[o3 + j] = s30; values[o3 + j + 1] = s31; values[o3 + j + 2] = s32; values[o3 + j + 3] = s33;
    }
  }
}

// biome-ignore format: the 4x4 unrolled kernel reads as a grid.
function manhattanBlocks(data: Float64Array, d: number, tile: PairTile, rowStop: number, colStop: number): void {
  const { rowStart, colStart, values } = tile;
  const width = tile.colEnd - colStart;
  for (let i = rowStart; i < rowStop; i += 4) {
    const a0 = i * d, a1 = a0 + d, a2 = a1 + d, a3 = a2 + d;
    const o0 = (i - rowStart) * width - colStart, o1 = o0 + width, o2 = o1 + width, o3 = o2 + width;
    for (let j = colStart; j < colStop; j += 4) {
      const b0 = j * d, b1 = b0 + d, b2 = b1 + d, b3 = b2 + d;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      for (let t = 0; t < d; t++) {
        const x0 = data[a0 + t]!, x1 = data[a1 + t]!, x2 = data[a2 + t]!, x3 = data[a3 + t]!;
        const y0 = data[b0 + t]!, y1 = data[b1 + t]!, y2 = data[b2 + t]!, y3 = data[b3 + t]!;
        s00 += Math.abs(x0 - y0); s01 += Math.abs(x0 - y1); s02 += Math.abs(x0 - y2); s03 += Math.abs(x0 - y3);
        s10 += Math.abs(x1 - y0); s11 += Math.abs(x1 - y1); s12 += Math.abs(x1 - y2); s13 += Math.abs(x1 - y3);
        s20 += Math.abs(x2 - y0); s21 += Math.abs(x2 - y1); s22 += Math.abs(x2 - y2); s23 += Math.abs(x2 - y3);
        s30 += Math.abs(x3 - y0); s31 += Math.abs(x3 - y1); s32 += Math.abs(x3 - y2); s33 += Math.abs(x3 - y3);
      }
      values[o0 + j] = s00; values[o0 + j + 1] = s01; values[o0 + j + 2] = s02; values[o0 + j + 3] = s03;
      values[o1 + j] = s10; values[o1 + j + 1] = s11; values[o1 + j + 2] = s12; values[o1 + j + 3] = s13;
      values[o2 + j] = s20; values[o2 + j + 1] = s21; values[o2 + j + 2] = s22; values[o2 + j + 3] = s23;
      values[o3 + j] = s30; values[o3 + j + 1] = s31; values[o3 + j + 2] = s32; values[o3 + j + 3] = s33;
    }
  }
}

function edges(data: Float64Array, d: number, kernel: PairKernel, tile: PairTile, rowStop: number, colStop: number): void {
  const { rowStart, rowEnd, colStart, colEnd, values } = tile;
  const width = colEnd - colStart;
  for (let i = rowStart; i < rowEnd; i++) {
    const a = i * d;
    const offset = (i - rowStart) * width - colStart;
    for (let j = i < rowStop ? colStop : colStart; j < colEnd; j++) {
      const b = j * d;
      let sum = 0;
      if (kernel === "dot") for (let t = 0; t < d; t++) sum += data[a + t]! * data[b + t]!;
      else for (let t = 0; t < d; t++) sum += Math.abs(data[a + t]! - data[b + t]!);
      values[offset + j] = sum;
    }
  }
}
