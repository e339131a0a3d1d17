import { z } from "zod";
import type { Row, StepColumns } from "../../../core/row.js";
import { attribute } from "../../../components/attributes.js";
import { GlobalStep, stepAttributes } from "../../base-step.js";
import type { StepContext } from "../../step-context.js";
import { MinHashFamily } from "../../../kernels/minhash.js";
import { MinHashLsh } from "../../../kernels/minhash-lsh.js";
import { describeValue, requireColumn, rowDataError } from "../../../core/row-checks.js";

const schema = stepAttributes.extend({
  numPerm: attribute(z.number().int().positive().default(128), "The number of permutations (signature slots)."),
  seed: attribute(z.number().int().default(1), "The seed of the permutation family."),
  tokenizer: attribute(z.enum(["words", "ngrams"]).default("words"), "How texts become token sets: 'words' or character 'ngrams'."),
  n: attribute(z.number().int().positive().default(5), "The size of the character n-grams; used with tokenizer 'ngrams'."),
  threshold: attribute(
    z.number().min(0).max(1).default(0.9),
    "The Jaccard similarity above which two texts count as duplicates; lower values find more duplicates.",
  ),
  storage: attribute(
    z.enum(["dict", "disk"]).default("dict"),
    "Accepted for compatibility with distilabel; the index always lives in memory, since the step sees all rows in one call.",
  ),
});

/**
 * Words in the manner of nltk's `word_tokenize`: letters and digits stay together, with inner
 * hyphens, dots and apostrophes ("well-known", "3.14", "don't"); every other non-space character
 * is a token of its own.
 */
const WORD_TOKENS = /[\p{L}\p{N}\p{M}_]+(?:['’.-][\p{L}\p{N}\p{M}_]+)*|[^\s\p{L}\p{N}\p{M}_]/gu;

const SURROGATE = /[\uD800-\uDFFF]/;

export const MINHASH_KEEP_COLUMN = "keep_row_after_minhash_filtering";

/**
 * Near-duplicate detection with MinHash signatures and LSH banding (distilabel's
 * `MinHashDedup`). Rows are visited in order: a row whose signature shares an LSH band with an
 * already kept row gets `keep_row_after_minhash_filtering = false`, any other is kept (`true`)
 * and indexed, so the first occurrence of a group of near-duplicates is the one kept.
 *
 * A global step: it sees every row at once, so the result equals distilabel's stream order
 * even though batches of normal steps may run concurrently on different Workers. `storage`
 * changes nothing here. Signatures differ from datasketch's (our own base hash and seeded
 * tabulation permutations, and a regex word splitter close to nltk's `word_tokenize`), so borderline
 * pairs may be judged differently; the banding parameters are datasketch's. Null texts count
 * as empty texts, which all match each other.
 *
 * @example
 * new MinHashDedup({ tokenizer: "ngrams", n: 3, threshold: 0.8 });
 */
export class MinHashDedup extends GlobalStep<typeof schema> {
  static override readonly typeName = "MinHashDedup";
  static override readonly attributes = schema;
  static override readonly inputs: StepColumns = ["text"];
  static override readonly outputs: StepColumns = [MINHASH_KEEP_COLUMN];

  async process(inputs: Row[][], _context?: StepContext): Promise<Row[]> {
    const { numPerm, seed, threshold } = this.attrs;
    const family = new MinHashFamily({ numPerm, seed });
    const index = new MinHashLsh({ threshold, numPerm });
    return (inputs[0] ?? []).map((row, position) => {
      const where = { step: this.name, row: position };
      const text = requireColumn(row, "text", where);
      if (text !== null && typeof text !== "string") throw rowDataError(where, "text", `expected a string, got ${describeValue(text)}`);
      const signature = family.signature(this.tokenize(text ?? ""));
      const duplicate = index.hasCandidate(signature);
      if (!duplicate) index.insert(signature);
      return { ...row, [MINHASH_KEEP_COLUMN]: !duplicate };
    });
  }

  /** The token set of a text: words and punctuation marks, or character n-grams. */
  tokenize(text: string): Set<string> {
    if (this.attrs.tokenizer === "words") {
      return new Set(text.match(WORD_TOKENS) ?? []);
    }
    const { n } = this.attrs;
    const grams = new Set<string>();
    // Python iterates code points; without surrogate pairs those are the UTF-16 units, and slicing is cheaper
    if (!SURROGATE.test(text)) {
      for (let i = 0; i + n <= text.length; i++) grams.add(text.slice(i, i + n));
      return grams;
    }
    const chars = Array.from(text);
    for (let i = 0; i + n <= chars.length; i++) grams.add(chars.slice(i, i + n).join(""));
    return grams;
  }
}
