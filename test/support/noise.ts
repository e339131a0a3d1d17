/**
 * Deterministic, barely compressible text (a linear congruential generator in base 36): Parquet
 * sizes track row counts, a file is several row groups of real size, and a large file is hashed
 * as a stream.
 */
export function noise(seed: number, length: number): string {
  let state = seed * 2654435761 + 1;
  let out = "";
  while (out.length < length) {
    state = (state * 1103515245 + 12345) % 2147483648;
    out += state.toString(36);
  }
  return out.slice(0, length);
}
