import { describe, expect, it } from "vitest";
import { createDefaultRegistry } from "../../../src/default-registry.js";
import { OptionError } from "../../../src/errors.js";
import type { BaseStep } from "../../../src/steps/base-step.js";
import { testContext } from "../../support/test-context.js";
import { hashToken, MinHashDedup, MinHashFamily, MinHashLsh, optimalLshParams } from "../../../src/steps/builtin/index.js";

const ctx = testContext();
const KEEP = "keep_row_after_minhash_filtering";

/** `count` distinct words, so texts have known token sets. */
function words(count: number, prefix = "w"): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${i}`);
}

function jaccardEstimate(a: Uint32Array, b: Uint32Array): number {
  let equal = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) equal++;
  return equal / a.length;
}

async function keepFlags(step: MinHashDedup, texts: Array<string | null>): Promise<boolean[]> {
  const rows = await step.process([texts.map((text) => ({ text }))], ctx);
  return rows.map((row) => row[KEEP] as boolean);
}

describe("hashToken", () => {
  it("is 32-bit MurmurHash3 of the UTF-16LE bytes (vectors computed with a Python murmur3)", () => {
    expect(hashToken("")).toBe(0);
    expect(hashToken("hello")).toBe(3619887497);
    expect(hashToken("héllo wörld")).toBe(2273464221);
    expect(hashToken("🤔")).toBe(1887618373);
  });
});

describe("optimalLshParams", () => {
  it("chooses datasketch's bands and rows (values computed with datasketch's formula and scipy's quad)", () => {
    expect(optimalLshParams(0.9, 128)).toEqual({ bands: 5, rows: 25 });
    expect(optimalLshParams(0.5, 128)).toEqual({ bands: 25, rows: 5 });
    expect(optimalLshParams(0.7, 128)).toEqual({ bands: 14, rows: 9 });
    expect(optimalLshParams(0.8, 64)).toEqual({ bands: 5, rows: 11 });
    expect(optimalLshParams(0.3, 32)).toEqual({ bands: 12, rows: 2 });
    expect(optimalLshParams(0.95, 256)).toEqual({ bands: 5, rows: 51 });
    expect(optimalLshParams(0.6, 100)).toEqual({ bands: 16, rows: 6 });
    expect(optimalLshParams(0, 8)).toEqual({ bands: 8, rows: 1 });
    expect(optimalLshParams(1, 8)).toEqual({ bands: 1, rows: 8 });
  });
});

describe("MinHashFamily", () => {
  it("gives the same signature for the same set and seed, whatever the token order or repeats", () => {
    const family = new MinHashFamily({ numPerm: 64, seed: 1 });
    const a = family.signature(["x", "y", "z"]);
    expect(a).toHaveLength(64);
    expect(family.signature(["z", "x", "y", "x"])).toEqual(a);
    expect(new MinHashFamily({ numPerm: 64, seed: 1 }).signature(["x", "y", "z"])).toEqual(a);
    expect(new MinHashFamily({ numPerm: 64, seed: 2 }).signature(["x", "y", "z"])).not.toEqual(a);
  });

  it("takes per slot the minimum of that permutation over the token hashes", () => {
    const family = new MinHashFamily({ numPerm: 32, seed: 7 });
    const tokens = ["alpha", "beta", "gamma", "delta"];
    const expected = Uint32Array.from({ length: 32 }, (_, i) => Math.min(...tokens.map((t) => family.permute(i, hashToken(t)))));
    expect(family.signature(tokens)).toEqual(expected);
    expect(new Set(expected).size).toBeGreaterThan(1);
  });

  it("maps a token hash byte-wise: permutations of different hashes differ", () => {
    const family = new MinHashFamily({ numPerm: 8, seed: 1 });
    const values = [0, 1, 256, 65536, 16777216, 4294967295].map((x) => family.permute(0, x));
    expect(new Set(values).size).toBe(6);
    for (const v of values) expect(v >= 0 && v <= 4294967295 && Number.isInteger(v)).toBe(true);
  });

  it("fills an empty set with 2^32 - 1", () => {
    const family = new MinHashFamily({ numPerm: 4, seed: 1 });
    expect([...family.signature([])]).toEqual([4294967295, 4294967295, 4294967295, 4294967295]);
  });

  it("estimates Jaccard similarity", () => {
    const family = new MinHashFamily({ numPerm: 1024, seed: 3 });
    const base = words(300);
    // 200 shared of 400 distinct tokens: Jaccard 0.5
    const half = family.signature(base.slice(0, 300));
    const other = family.signature([...base.slice(100, 300), ...words(100, "v")]);
    expect(Math.abs(jaccardEstimate(half, other) - 0.5)).toBeLessThan(0.06);
    const disjoint = family.signature(words(300, "u"));
    expect(jaccardEstimate(half, disjoint)).toBeLessThan(0.02);
  });
});

describe("MinHashLsh", () => {
  it("finds a candidate only when a band is shared", () => {
    const family = new MinHashFamily({ numPerm: 128, seed: 1 });
    const index = new MinHashLsh({ threshold: 0.9, numPerm: 128 });
    expect(index.params).toEqual({ bands: 5, rows: 25 });
    const first = family.signature(words(100));
    expect(index.hasCandidate(first)).toBe(false);
    index.insert(first);
    expect(index.hasCandidate(first)).toBe(true);
    expect(index.hasCandidate(family.signature(words(100, "z")))).toBe(false);
  });
});

describe("MinHashDedup", () => {
  it("keeps the first occurrence and flags later near-duplicates (distilabel's docstring data)", async () => {
    const step = new MinHashDedup({ pipeline: null });
    const texts = [
      "This is a test document.",
      "This document is a test.",
      "Test document for duplication.",
      "Document for duplication test.",
      "This is another unique document.",
    ];
    // same word sets are duplicates; the capitalised Test/Document make rows 3 and 4 differ
    expect(await keepFlags(step, [...texts, ...texts])).toEqual([true, false, true, true, true, false, false, false, false, false]);
  });

  it("flags a text differing in one word of two hundred, and keeps distinct texts", async () => {
    const step = new MinHashDedup({ pipeline: null });
    const base = words(200);
    const edited = [...base.slice(0, 199), "changed"];
    const texts = [base.join(" "), words(200, "a").join(" "), edited.join(" "), words(200, "b").join(" "), base.join(" ")];
    expect(await keepFlags(step, texts)).toEqual([true, true, false, true, false]);
  });

  it("does not flag texts that are only half alike at threshold 0.9, but does at threshold 0.3", async () => {
    const base = words(100);
    const texts = [base.join(" "), [...base.slice(0, 70), ...words(30, "x")].join(" ")];
    expect(await keepFlags(new MinHashDedup({ pipeline: null }), texts)).toEqual([true, true]);
    expect(await keepFlags(new MinHashDedup({ threshold: 0.3, pipeline: null }), texts)).toEqual([true, false]);
  });

  it("compares each row with kept rows only: a flagged row is not indexed", async () => {
    // a chain of texts, each a small edit of the one before: with "compare with every earlier
    // row" later links would keep matching their flagged predecessors
    const chain: string[][] = [words(30)];
    for (let i = 1; i < 12; i++) {
      const previous = chain[i - 1] as string[];
      chain.push([...previous.slice(4), ...words(4, `e${i}_`)]);
    }
    const texts = chain.map((tokens) => tokens.join(" "));
    const step = new MinHashDedup({ threshold: 0.7, pipeline: null });
    const policy = (indexFlagged: boolean): boolean[] => {
      const family = new MinHashFamily({ numPerm: 128, seed: 1 });
      const index = new MinHashLsh({ threshold: 0.7, numPerm: 128 });
      return texts.map((text) => {
        const signature = family.signature(step.tokenize(text));
        const duplicate = index.hasCandidate(signature);
        if (!duplicate || indexFlagged) index.insert(signature);
        return !duplicate;
      });
    };
    const keptOnly = policy(false);
    expect(keptOnly).not.toEqual(policy(true));
    expect(await keepFlags(step, texts)).toEqual(keptOnly);
    expect(keptOnly[0]).toBe(true);
  });

  it("tokenizes on character n-grams", async () => {
    const step = new MinHashDedup({ tokenizer: "ngrams", n: 3, pipeline: null });
    expect(step.tokenize("abcd")).toEqual(new Set(["abc", "bcd"]));
    expect(step.tokenize("ab")).toEqual(new Set());
    expect(step.tokenize("🤔🤔🤔🤔")).toEqual(new Set(["🤔🤔🤔"]));
    const long = "the quick brown fox jumps over the lazy dog ".repeat(5);
    expect(await keepFlags(step, [long, long.toUpperCase(), long])).toEqual([true, true, false]);
  });

  it("tokenizes on words and punctuation marks", () => {
    const step = new MinHashDedup({ pipeline: null });
    expect(step.tokenize("Hello, world! Hello.")).toEqual(new Set(["Hello", ",", "world", "!", "."]));
    expect(step.tokenize("A well-known fact: pi is 3.14, isn't it?")).toEqual(
      new Set(["A", "well-known", "fact", ":", "pi", "is", "3.14", ",", "isn't", "it", "?"]),
    );
    expect(step.tokenize("w0 w1")).toEqual(new Set(["w0", "w1"]));
  });

  it("treats null texts as empty texts, which match each other", async () => {
    const step = new MinHashDedup({ pipeline: null });
    expect(await keepFlags(step, [null, "", "some text here", null])).toEqual([true, false, true, false]);
  });

  it("adds the keep column to every row in order, keeping the other columns", async () => {
    const step = new MinHashDedup({ pipeline: null });
    const rows = await step.process(
      [
        [
          { id: 1, text: "same words here" },
          { id: 2, text: "same words here" },
        ],
      ],
      ctx,
    );
    expect(rows).toEqual([
      { id: 1, text: "same words here", [KEEP]: true },
      { id: 2, text: "same words here", [KEEP]: false },
    ]);
  });

  it("is a global step reading text and writing keep_row_after_minhash_filtering", () => {
    const step = new MinHashDedup({ pipeline: null });
    expect(step.kind).toBe("global");
    expect(step.inputs).toEqual(["text"]);
    expect(step.outputs).toEqual([KEEP]);
  });

  it("fails on a non-string text and rejects invalid options", async () => {
    const step = new MinHashDedup({ name: "dedup", pipeline: null });
    await expect(step.process([[{ text: 3 }]], ctx)).rejects.toThrow("Step 'dedup': row 0, column 'text': expected a string, got a number (3)");
    expect(() => new MinHashDedup({ tokenizer: "chars" as never, pipeline: null })).toThrow(OptionError);
    expect(() => new MinHashDedup({ threshold: 1.5, pipeline: null })).toThrow("invalid option 'threshold'");
    expect(() => new MinHashDedup({ storage: "s3" as never, pipeline: null })).toThrow("invalid option 'storage'");
  });

  it("dumps distilabel's attributes with their defaults and round-trips", () => {
    const step = new MinHashDedup({ storage: "disk", pipeline: null });
    expect(step.dump()).toMatchObject({
      name: "min_hash_dedup_0",
      num_perm: 128,
      seed: 1,
      tokenizer: "words",
      n: 5,
      threshold: 0.9,
      storage: "disk",
      type_info: { name: "MinHashDedup" },
    });
    expect(createDefaultRegistry().load<BaseStep>(step.dump(), "step").dump()).toEqual(step.dump());
  });

  it("loads a distilabel dump where n is null", () => {
    const dump = { ...new MinHashDedup({ pipeline: null }).dump(), n: null };
    const step = createDefaultRegistry().load<MinHashDedup>(dump, "step");
    expect(step.attrs.n).toBe(5);
  });
});
