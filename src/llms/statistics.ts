/**
 * Splits a total over `n` generations (the first ones take the remainder): providers report one
 * usage per call, and the task writes statistics per generated row.
 */
export function splitEvenly(total: number, n: number): number[] {
  if (n <= 0) return [];
  const base = Math.floor(total / n);
  const remainder = total - base * n;
  return Array.from({ length: n }, (_, i) => base + (i < remainder ? 1 : 0));
}

/** `-1` per generation: distilabel's marker for a count the provider did not give. */
export function unknownCounts(n: number): number[] {
  return Array.from({ length: n }, () => -1);
}

/** A usage number, or -1 when the provider left it out. */
export function countOrUnknown(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : -1;
}
