import { sha1 } from "./hash.js";

/**
 * A seeded PRNG (mulberry32). Routing and sampling draw from it with a seed derived from the
 * run and the batch, so a replayed or re-delivered batch makes the same choice.
 */
export function seededRandom(seed: string): () => number {
  let state = Number.parseInt(sha1(seed).slice(0, 8), 16) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `k` distinct items in random order (Python's `random.sample`). */
export function sample<T>(items: readonly T[], k: number, random: () => number): T[] {
  const pool = [...items];
  const out: T[] = [];
  for (let i = 0; i < k && pool.length > 0; i++) {
    const index = Math.floor(random() * pool.length);
    out.push(pool.splice(index, 1)[0] as T);
  }
  return out;
}
