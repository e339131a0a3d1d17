import { seededRandom } from "../core/random.js";

/** Signatures keep 32 bits per permutation, as datasketch's do. */
const MAX_HASH = 0xffffffff;
/** One 256-entry table per byte of the 32-bit token hash. */
const TABLE_WORDS = 4 * 256;

/**
 * 32-bit MurmurHash3 (x86_32, seed 0) of the token's UTF-16LE bytes: the base hash the
 * permutations are applied to. UTF-16 code units are what JavaScript strings hold, so no
 * encoding pass is needed.
 */
export function hashToken(token: string): number {
  const length = token.length;
  let h = 0;
  let i = 0;
  for (; i + 1 < length; i += 2) {
    h ^= scramble(token.charCodeAt(i) | (token.charCodeAt(i + 1) << 16));
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  if (i < length) h ^= scramble(token.charCodeAt(i));
  h ^= length * 2;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function scramble(block: number): number {
  let k = Math.imul(block, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, 0x1b873593);
}

/**
 * `num_perm` seeded hash functions over token hashes and the MinHash signature of a token set:
 * per function, the smallest value over the set. Each function is simple tabulation hashing
 * (the XOR of four random 32-bit words picked by the four bytes of the token hash), a
 * 3-independent family with proven min-wise guarantees that needs only lookups and XORs, where
 * datasketch's `(a·x + b) mod (2^61 - 1)` would need 64-bit products. An empty set has every
 * slot at 2^32 - 1, as in datasketch, so empty texts match each other.
 */
export class MinHashFamily {
  readonly numPerm: number;
  private readonly tables: Uint32Array;

  constructor({ numPerm, seed }: { numPerm: number; seed: number }) {
    this.numPerm = numPerm;
    this.tables = new Uint32Array(numPerm * TABLE_WORDS);
    const random = seededRandom(`minhash:${seed}`);
    for (let i = 0; i < this.tables.length; i++) this.tables[i] = Math.floor(random() * 4294967296);
  }

  permute(index: number, tokenHash: number): number {
    const base = index * TABLE_WORDS;
    const t = this.tables;
    return (
      ((t[base + (tokenHash & 255)] as number) ^
        (t[base + 256 + ((tokenHash >>> 8) & 255)] as number) ^
        (t[base + 512 + ((tokenHash >>> 16) & 255)] as number) ^
        (t[base + 768 + (tokenHash >>> 24)] as number)) >>>
      0
    );
  }

  signature(tokens: Iterable<string>): Uint32Array {
    const values = new Uint32Array(this.numPerm).fill(MAX_HASH);
    const t = this.tables;
    for (const token of new Set(tokens)) {
      const x = hashToken(token);
      const b0 = x & 255;
      const b1 = 256 + ((x >>> 8) & 255);
      const b2 = 512 + ((x >>> 16) & 255);
      const b3 = 768 + (x >>> 24);
      // inlined permute(): this loop runs tokens × num_perm times
      for (let i = 0, base = 0; i < this.numPerm; i++, base += TABLE_WORDS) {
        const v = ((t[base + b0] as number) ^ (t[base + b1] as number) ^ (t[base + b2] as number) ^ (t[base + b3] as number)) >>> 0;
        if (v < (values[i] as number)) values[i] = v;
      }
    }
    return values;
  }
}
