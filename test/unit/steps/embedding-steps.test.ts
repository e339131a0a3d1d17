import { describe, expect, it } from "vitest";
import type { Row } from "../../../src/core/row.js";
import { createDefaultRegistry } from "../../../src/default-registry.js";
import { DistilflareError, OptionError, RuntimeParameterError } from "../../../src/errors.js";
import { runInProcess } from "../../../src/executor/in-process-executor.js";
import { MemoryRunCache } from "../../../src/executor/run-cache.js";
import { Pipeline } from "../../../src/pipeline/pipeline.js";
import type { BaseStep } from "../../../src/steps/base-step.js";
import { BufferLogger } from "../../../src/steps/step-context.js";
import { testContext } from "../../support/test-context.js";
import { DeitaFiltering, EMBEDDING_KEEP_COLUMN, EmbeddingDedup, FaissNearestNeighbour, LoadDataFromDicts } from "../../../src/steps/builtin/index.js";

const ctx = testContext();
const FLOAT32_MAX = 3.4028234663852886e38;

function embeddingRows(vectors: number[][]): Row[] {
  return vectors.map((embedding) => ({ embedding }));
}

async function neighbours(vectors: number[][], options: ConstructorParameters<typeof FaissNearestNeighbour>[0] = {}) {
  const rows = await new FaissNearestNeighbour({ pipeline: null, ...options }).process([embeddingRows(vectors)], ctx);
  return { indices: rows.map((r) => r.nn_indices as number[]), scores: rows.map((r) => r.nn_scores as number[]) };
}

async function failure(run: () => Promise<unknown>): Promise<DistilflareError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof DistilflareError) return error;
    throw error;
  }
  throw new Error("expected a failure");
}

/**
 * An independent model of a faiss flat-index search: candidates scanned in index order, a
 * newcomer admitted only when its score beats the worst kept score strictly, replacing the
 * heap top (the worst by score, then by index: the larger for L2, the smaller for inner
 * product), and the kept list sorted the way faiss's heap_reorder leaves it.
 */
function referenceSearch(vectors: number[][], k: number, metric: "l2" | "inner_product"): Array<Array<[number, number]>> {
  const f32 = vectors.map((v) => v.map(Math.fround));
  const l2 = metric === "l2";
  const worse = (a: [number, number], b: [number, number]): boolean =>
    l2 ? a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]) : a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
  return f32.map((query) => {
    const kept: Array<[number, number]> = Array.from({ length: k }, () => [l2 ? FLOAT32_MAX : -FLOAT32_MAX, -1]);
    f32.forEach((vector, id) => {
      let exact = 0;
      for (let t = 0; t < vector.length; t++) exact += l2 ? (query[t]! - vector[t]!) ** 2 : query[t]! * vector[t]!;
      const score = Math.fround(exact);
      let top = 0;
      for (let s = 1; s < k; s++) if (worse(kept[s]!, kept[top]!)) top = s;
      if (l2 ? score < kept[top]![0] : score > kept[top]![0]) kept[top] = [score, id];
    });
    return kept.sort((a, b) => (worse(a, b) ? 1 : worse(b, a) ? -1 : 0));
  });
}

describe("FaissNearestNeighbour", () => {
  it("returns the k nearest rows by squared L2 distance, dropping each row's first hit (itself)", async () => {
    // squared distances: 0-1: 1, 0-2: 4, 0-3: 9, 1-2: 5, 1-3: 4, 2-3: 13
    const result = await neighbours(
      [
        [0, 0],
        [1, 0],
        [0, 2],
        [3, 0],
      ],
      { k: 2 },
    );
    expect(result.indices).toEqual([
      [1, 2],
      [0, 3],
      [0, 1],
      [1, 0],
    ]);
    expect(result.scores).toEqual([
      [1, 4],
      [1, 4],
      [4, 5],
      [4, 9],
    ]);
  });

  it("orders ties as faiss 1.7.3 does: L2 by ascending index, inner product by descending index", async () => {
    // outputs of faiss.IndexFlat(2, metric).search(X, 3) with faiss 1.7.3, first column dropped
    const vectors = [
      [1, 0],
      [0, 1],
      [1, 0],
      [0.6, 0.8],
    ];
    const l2 = await neighbours(vectors, { k: 2 });
    expect(l2.indices).toEqual([
      [2, 3],
      [3, 0],
      [2, 3],
      [1, 0],
    ]);
    expect(l2.scores[0]).toEqual([0, Math.fround(0.8000000000000002)]);
    const ip = await neighbours(vectors, { k: 2, metricType: 0 });
    expect(ip.indices).toEqual([
      [0, 3],
      [3, 2],
      [0, 3],
      [1, 2],
    ]);
    expect(ip.scores).toEqual([
      [1, Math.fround(0.6)],
      [Math.fround(0.8), 0],
      [1, Math.fround(0.6)],
      [Math.fround(0.8), Math.fround(0.6)],
    ]);
  });

  it("drops the first hit even when it is another row (unnormalized inner products)", async () => {
    // faiss 1.7.3 gives indices [[1, 0], [1, 0], [2, 1]] and scores [[2, 1], [4, 2], [1, 0]]
    const result = await neighbours(
      [
        [1, 0],
        [2, 0],
        [0, 1],
      ],
      { metricType: "inner_product" },
    );
    expect(result.indices).toEqual([[0], [0], [1]]);
    expect(result.scores).toEqual([[1], [2], [0]]);
  });

  it("pads with index -1 and faiss's float32 max when k reaches the number of rows", async () => {
    const l2 = await neighbours([[0], [1], [3]], { k: 3 });
    expect(l2.indices).toEqual([
      [1, 2, -1],
      [0, 2, -1],
      [1, 0, -1],
    ]);
    expect(l2.scores).toEqual([
      [1, 9, FLOAT32_MAX],
      [1, 4, FLOAT32_MAX],
      [4, 9, FLOAT32_MAX],
    ]);
    const ip = await neighbours([[1], [2]], { k: 2, metricType: "METRIC_INNER_PRODUCT" });
    expect(ip.indices).toEqual([
      [0, -1],
      [0, -1],
    ]);
    expect(ip.scores).toEqual([
      [1, -FLOAT32_MAX],
      [2, -FLOAT32_MAX],
    ]);
  });

  it("matches an independent model of faiss's search on 300 rows with many ties (several tiles)", async () => {
    let seed = 7;
    const next = () => (seed = (seed * 48271) % 2147483647);
    const vectors = Array.from({ length: 300 }, () => Array.from({ length: 4 }, () => (next() % 5) - 2));
    for (const metric of ["l2", "inner_product"] as const) {
      const result = await neighbours(vectors, { k: 4, metricType: metric === "l2" ? 1 : 0 });
      const expected = referenceSearch(vectors, 5, metric);
      expect(result.indices).toEqual(expected.map((hits) => hits.slice(1).map((h) => h[1])));
      expect(result.scores).toEqual(expected.map((hits) => hits.slice(1).map((h) => h[0])));
    }
  });

  it("rounds embeddings to float32 as faiss stores them", async () => {
    const result = await neighbours([[0.1], [0.3]]);
    expect(result.scores).toEqual([[Math.fround((Math.fround(0.3) - Math.fround(0.1)) ** 2)], [Math.fround((Math.fround(0.3) - Math.fround(0.1)) ** 2)]]);
  });

  it("accepts faiss's metric constants and names, and rejects others naming metric_type", async () => {
    const vectors = [
      [1, 0],
      [0.6, 0.8],
      [0, 1],
    ];
    const ip = await neighbours(vectors, { metricType: 0 });
    for (const name of ["inner_product", "METRIC_INNER_PRODUCT", "IP"]) expect(await neighbours(vectors, { metricType: name })).toEqual(ip);
    const l2 = await neighbours(vectors);
    for (const name of [1, "L2", "METRIC_L2", null]) expect(await neighbours(vectors, { metricType: name })).toEqual(l2);
    expect(l2).not.toEqual(ip);
    expect(() => new FaissNearestNeighbour({ pipeline: null, metricType: "cosine" })).toThrow(OptionError);
    expect(() => new FaissNearestNeighbour({ pipeline: null, metricType: 2 })).toThrow(/metric_type/);
    expect(() => new FaissNearestNeighbour({ pipeline: null, k: 0 })).toThrow(/'k'/);
  });

  it("ignores string_factory, train_size and search_batch_size for the result, logging that the search is exact", async () => {
    const vectors = Array.from({ length: 60 }, (_, i) => [Math.sin(i), Math.cos(i * 1.3), i % 7]);
    const plain = await neighbours(vectors, { k: 3 });
    const logger = new BufferLogger("");
    const step = new FaissNearestNeighbour({ pipeline: null, k: 3, stringFactory: "IVF300_HNSW32,Flat", trainSize: 60, searchBatchSize: 7, device: 0 });
    const rows = await step.process([embeddingRows(vectors)], testContext({ logger }));
    expect(rows.map((r) => r.nn_indices)).toEqual(plain.indices);
    expect(rows.map((r) => r.nn_scores)).toEqual(plain.scores);
    expect(logger.lines.join("\n")).toContain("string_factory 'IVF300_HNSW32,Flat' is not used");
  });

  it("keeps every input column and returns nothing for no rows", async () => {
    const rows = await new FaissNearestNeighbour({ pipeline: null }).process(
      [
        [
          { id: "a", embedding: [1] },
          { id: "b", embedding: [2] },
        ],
      ],
      ctx,
    );
    expect(rows).toEqual([
      { id: "a", embedding: [1], nn_indices: [1], nn_scores: [1] },
      { id: "b", embedding: [2], nn_indices: [0], nn_scores: [1] },
    ]);
    expect(await new FaissNearestNeighbour({ pipeline: null }).process([[]], ctx)).toEqual([]);
  });

  it("rejects ragged, missing and non-numeric embeddings naming the row and column", async () => {
    const step = new FaissNearestNeighbour({ name: "nn", pipeline: null });
    const ragged = await failure(() => step.process([embeddingRows([[1, 2], [3, 4], [5]])], ctx));
    expect(ragged.code).toBe("step_failed");
    expect(ragged.message).toBe("Step 'nn': row 2, column 'embedding': the embedding has 1 values but row 0's has 2; all embeddings must have the same length");
    expect(ragged.details).toMatchObject({ step: "nn", row: 2, column: "embedding" });

    const missing = await failure(() => step.process([[{ embedding: [1] }, { text: "no vector" }]], ctx));
    expect(missing.message).toBe("Step 'nn': row 1, column 'embedding': the row has no such column; its columns are: text");
    const nulled = await failure(() => step.process([[{ embedding: [1] }, { embedding: null }]], ctx));
    expect(nulled.message).toContain("row 1, column 'embedding': expected an embedding (a list of numbers), got null");
    const text = await failure(() => step.process([[{ embedding: [1, "2"] }]], ctx));
    expect(text.message).toContain("row 0, column 'embedding': value 1 of the embedding is the string \"2\"; expected a finite number");
    const empty = await failure(() => step.process([[{ embedding: [] }]], ctx));
    expect(empty.message).toContain("row 0, column 'embedding': the embedding is empty");
    const nan = await failure(() => step.process([[{ embedding: [0] }, { embedding: [Number.NaN] }]], ctx));
    expect(nan.message).toContain("row 1, column 'embedding': value 0 of the embedding is NaN; expected a finite number");
  });
});

describe("EmbeddingDedup", () => {
  const flags = async (rows: Row[], threshold?: number) =>
    (await new EmbeddingDedup({ pipeline: null, ...(threshold === undefined ? {} : { threshold }) }).process([rows], ctx)).map((r) => r[EMBEDDING_KEEP_COLUMN]);

  it("flags every row listed as a neighbour above the threshold (distilabel's docstring numbers)", async () => {
    const rows = [
      { nn_indices: [0, 1], nn_scores: [0.9164746999740601, 0.782106876373291] },
      { nn_indices: [0, 2], nn_scores: [0.7552462220191956, 0.7261884808540344] },
      { nn_indices: [1, 2], nn_scores: [0.8107735514640808, 0.7172299027442932] },
    ];
    // above 0.8: row 0 lists 0, row 2 lists 1
    expect(await flags(rows, 0.8)).toEqual([false, false, true]);
    expect(await flags(rows)).toEqual([false, true, true]);
  });

  it("compares strictly and drops both rows of a mutual pair", async () => {
    const rows = [
      { nn_indices: [1], nn_scores: [0.95] },
      { nn_indices: [0], nn_scores: [0.95] },
      { nn_indices: [0], nn_scores: [0.9] },
      { nn_indices: [], nn_scores: [] },
    ];
    expect(await flags(rows)).toEqual([false, false, true, true]);
  });

  it("reads a negative index from the end, as Python list indexing does", async () => {
    const rows = [
      { nn_indices: [-1], nn_scores: [FLOAT32_MAX] },
      { nn_indices: [0], nn_scores: [0.1] },
      { nn_indices: [-3], nn_scores: [0.99] },
    ];
    expect(await flags(rows)).toEqual([false, true, false]);
  });

  it("keeps the rows and their order, adding only the flag", async () => {
    const rows = await new EmbeddingDedup({ pipeline: null }).process(
      [
        [
          { id: 1, nn_indices: [1], nn_scores: [0.5] },
          { id: 2, nn_indices: [0], nn_scores: [0.5] },
        ],
      ],
      ctx,
    );
    expect(rows).toEqual([
      { id: 1, nn_indices: [1], nn_scores: [0.5], keep_row_after_embedding_filtering: true },
      { id: 2, nn_indices: [0], nn_scores: [0.5], keep_row_after_embedding_filtering: true },
    ]);
  });

  it("rejects malformed neighbour lists naming the row and column", async () => {
    const step = new EmbeddingDedup({ name: "dedup", pipeline: null });
    const run = (rows: Row[]) => failure(() => step.process([rows], ctx));
    expect(
      (
        await run([
          { nn_indices: [0], nn_scores: [0.1] },
          { nn_indices: [0, 1], nn_scores: [0.1] },
        ])
      ).message,
    ).toBe("Step 'dedup': row 1, column 'nn_scores': has 1 scores for 2 nn_indices; each neighbour needs one score");
    expect((await run([{ nn_indices: [5], nn_scores: [0.99] }])).message).toBe(
      "Step 'dedup': row 0, column 'nn_indices': neighbour index 5 is out of range: the step received 1 rows",
    );
    expect((await run([{ nn_indices: [0.5], nn_scores: [0.1] }])).message).toContain(
      "row 0, column 'nn_indices': index 0 is a number (0.5); expected an integer",
    );
    expect((await run([{ nn_indices: [0], nn_scores: ["high"] }])).message).toContain("row 0, column 'nn_scores': score 0 is the string \"high\"");
    expect((await run([{ nn_indices: [0] }])).message).toContain("row 0, column 'nn_scores': the row has no such column");
    expect((await run([{ nn_indices: null, nn_scores: [] }])).message).toContain("row 0, column 'nn_indices': expected a list, got null");
  });
});

/** Python's `x and y`-style falsiness aside, the plain DEITA reference: cosine distance of normalized vectors. */
function cosineDistance(a: number[], b: number[]): number {
  const dot = a.reduce((sum, x, i) => sum + x * b[i]!, 0);
  const norm = (v: number[]) => Math.sqrt(v.reduce((sum, x) => sum + x * x, 0));
  return 1 - dot / (norm(a) * norm(b));
}

describe("DeitaFiltering", () => {
  const docstringRows = [
    { evol_instruction_score: 0.5, evol_response_score: 0.5, embedding: [-8.12729941, -5.24642847, -6.34003029] },
    { evol_instruction_score: 0.6, evol_response_score: 0.6, embedding: [2.99329242, 0.7800932, 0.7799726] },
    { evol_instruction_score: 0.7, evol_response_score: 0.7, embedding: [10.29041806, 14.33088073, 13.00557506] },
  ];

  it("selects distilabel's docstring result: the only row far enough from its neighbour", async () => {
    const rows = await new DeitaFiltering({ pipeline: null, dataBudget: 1 }).process([docstringRows], ctx);
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(row).toMatchObject({ ...docstringRows[0], deita_score: 0.25, deita_score_computed_with: ["evol_instruction_score", "evol_response_score"] });
    // distilabel prints 1.9042812683723933; the nearest of rows 1 and 2 is row 1
    const expected = Math.min(
      cosineDistance(docstringRows[0]!.embedding, docstringRows[1]!.embedding),
      cosineDistance(docstringRows[0]!.embedding, docstringRows[2]!.embedding),
    );
    expect(row!.nearest_neighbor_distance).toBeCloseTo(expected, 12);
    expect(row!.nearest_neighbor_distance).toBeCloseTo(1.9042812683723933, 12);
  });

  it("sorts by DEITA score, highest first with ties in input order, and stops at the data budget", async () => {
    // four directions 90 degrees apart: every cosine distance to the nearest is 1
    const directions = [
      [1, 0],
      [0, 1],
      [-1, 0],
      [0, -1],
    ];
    const scores = [
      [2, 3],
      [1, 6],
      [4, 2],
      [5, 1],
    ];
    const rows = directions.map((embedding, id) => ({ id, evol_instruction_score: scores[id]![0], evol_response_score: scores[id]![1], embedding }));
    const all = await new DeitaFiltering({ pipeline: null, dataBudget: 10 }).process([rows], ctx);
    expect(all.map((r) => [r.id, r.deita_score, r.nearest_neighbor_distance])).toEqual([
      [2, 8, 1],
      [0, 6, 1],
      [1, 6, 1],
      [3, 5, 1],
    ]);
    const two = await new DeitaFiltering({ pipeline: null, dataBudget: 2 }).process([rows], ctx);
    expect(two.map((r) => r.id)).toEqual([2, 0]);
    expect(await new DeitaFiltering({ pipeline: null, dataBudget: 0 }).process([rows], ctx)).toEqual([]);
  });

  it("skips rows closer than diversity_threshold to their nearest neighbour (>= passes)", async () => {
    // cosine distances: 0-1: 1 - 0.8 (0.19999999999999996 in doubles; nearest for both), 2 is 1 away from 0 and 0.4 from 1
    const rows = [
      { id: 0, evol_instruction_score: 3, evol_response_score: 3, embedding: [1, 0] },
      { id: 1, evol_instruction_score: 2, evol_response_score: 2, embedding: [0.8, 0.6] },
      { id: 2, evol_instruction_score: 1, evol_response_score: 1, embedding: [0, 5] },
    ];
    const pick = async (diversityThreshold: number) =>
      (await new DeitaFiltering({ pipeline: null, dataBudget: 3, diversityThreshold }).process([rows], ctx)).map((r) => r.id);
    expect(await pick(0.9)).toEqual([]);
    expect(await pick(0.4)).toEqual([2]);
    expect(await pick(0.2)).toEqual([2]);
    expect(await pick(0.19)).toEqual([0, 1, 2]);
  });

  it("scores with Python falsiness: a 0 or missing score leaves the other one alone", async () => {
    const rows = [
      { id: 0, evol_instruction_score: 2, evol_response_score: 3, embedding: [1, 0] },
      { id: 1, evol_instruction_score: 0, evol_response_score: 5, embedding: [0, 1] },
      { id: 2, evol_instruction_score: 4, evol_response_score: null, embedding: [-1, 0] },
      { id: 3, embedding: [0, -1] },
    ];
    const logger = new BufferLogger("");
    const out = await new DeitaFiltering({ pipeline: null, dataBudget: 4, diversityThreshold: 0 }).process([rows], testContext({ logger }));
    expect(out.map((r) => [r.id, r.deita_score, r.deita_score_computed_with])).toEqual([
      [0, 6, ["evol_instruction_score", "evol_response_score"]],
      [1, 5, ["evol_response_score"]],
      [2, 4, ["evol_instruction_score"]],
      [3, 0, []],
    ]);
    expect(logger.lines.join("\n")).toMatch(/1 rows have no response score[\s\S]*1 rows have no instruction score[\s\S]*1 rows have neither score/);
  });

  it("measures manhattan distances, on raw embeddings when normalize_embeddings is false", async () => {
    const rows = [
      { id: 0, evol_instruction_score: 1, evol_response_score: 1, embedding: [0, 0] },
      { id: 1, evol_instruction_score: 2, evol_response_score: 1, embedding: [1, 0] },
      { id: 2, evol_instruction_score: 3, evol_response_score: 1, embedding: [3, 4] },
    ];
    // L1: 0-1: 1, 0-2: 7, 1-2: 6
    const out = await new DeitaFiltering({
      pipeline: null,
      dataBudget: 3,
      diversityThreshold: 0,
      normalizeEmbeddings: false,
      distanceMetric: "manhattan",
    }).process([rows], ctx);
    expect(out.map((r) => [r.id, r.nearest_neighbor_distance])).toEqual([
      [2, 6],
      [1, 1],
      [0, 1],
    ]);
    // normalized, [3, 4] becomes [0.6, 0.8]: 0.4 + 0.8 from [1, 0]; the zero row cannot be normalized
    const normalized = rows.slice(1);
    const distances = (
      await new DeitaFiltering({ pipeline: null, dataBudget: 2, diversityThreshold: 0, distanceMetric: "manhattan" }).process([normalized], ctx)
    ).map((r) => r.nearest_neighbor_distance as number);
    expect(distances[0]).toBeCloseTo(1.2, 14);
    expect(distances[1]).toBeCloseTo(1.2, 14);
  });

  it("uses 1 - dot product as the cosine distance without normalization, as distilabel does", async () => {
    const rows = [
      { evol_instruction_score: 1, evol_response_score: 1, embedding: [2, 0] },
      { evol_instruction_score: 1, evol_response_score: 1, embedding: [1, 1] },
    ];
    const out = await new DeitaFiltering({ pipeline: null, dataBudget: 2, diversityThreshold: -5, normalizeEmbeddings: false }).process([rows], ctx);
    expect(out.map((r) => r.nearest_neighbor_distance)).toEqual([-1, -1]);
  });

  it("gives a lone row an infinite distance, so it is always selected", async () => {
    const out = await new DeitaFiltering({ pipeline: null, dataBudget: 1 }).process(
      [[{ evol_instruction_score: 1, evol_response_score: 2, embedding: [1, 2] }]],
      ctx,
    );
    expect(out[0]?.nearest_neighbor_distance).toBe(Infinity);
  });

  it("fails clearly on a missing data_budget, bad scores, zero and ragged embeddings", async () => {
    const step = new DeitaFiltering({ name: "deita", pipeline: null });
    expect(step.missingRuntimeParameters()).toEqual(["data_budget"]);
    const budget = await failure(() => step.process([docstringRows], ctx));
    expect(budget).toBeInstanceOf(RuntimeParameterError);
    expect(budget.message).toContain("'data_budget'");

    const deita = new DeitaFiltering({ name: "deita", pipeline: null, dataBudget: 2 });
    const score = await failure(() => deita.process([[{ evol_instruction_score: "high", evol_response_score: 1, embedding: [1] }]], ctx));
    expect(score.message).toBe("Step 'deita': row 0, column 'evol_instruction_score': expected a number or null, got the string \"high\"");
    const zero = await failure(() =>
      deita.process(
        [
          [
            { evol_instruction_score: 1, evol_response_score: 1, embedding: [1, 0] },
            { evol_instruction_score: 1, evol_response_score: 1, embedding: [0, 0] },
          ],
        ],
        ctx,
      ),
    );
    expect(zero.message).toContain("row 1, column 'embedding': the embedding is all zeros, so it cannot be normalized");
    const ragged = await failure(() =>
      deita.process(
        [
          [
            { evol_response_score: 1, embedding: [1, 0] },
            { evol_response_score: 1, embedding: [0, 0, 1] },
          ],
        ],
        ctx,
      ),
    );
    expect(ragged.message).toContain("row 1, column 'embedding': the embedding has 3 values but row 0's has 2");
    expect(() => new DeitaFiltering({ pipeline: null, dataBudget: -1 })).toThrow(/data_budget/);
    expect(() => new DeitaFiltering({ pipeline: null, distanceMetric: "euclidean" as "cosine" })).toThrow(/distance_metric/);
  });
});

describe("serialization", () => {
  it("dumps distilabel's attributes and runtime parameters, and round-trips through the default registry", () => {
    const registry = createDefaultRegistry();
    const nn = new FaissNearestNeighbour({ pipeline: null, k: 3, metricType: 0 });
    expect(nn.dump()).toMatchObject({
      name: "faiss_nearest_neighbour_0",
      device: null,
      string_factory: null,
      metric_type: 0,
      k: 3,
      search_batch_size: 50,
      train_size: null,
      type_info: { name: "FaissNearestNeighbour" },
    });
    const nnParams = (nn.dump().runtime_parameters_info as Array<{ name: string }>).map((p) => p.name);
    expect(nnParams).toEqual(expect.arrayContaining(["device", "string_factory", "metric_type", "k", "search_batch_size", "train_size"]));
    const dedup = new EmbeddingDedup({ pipeline: null, threshold: 0.8 });
    expect(dedup.dump()).toMatchObject({ name: "embedding_dedup_0", threshold: 0.8, type_info: { name: "EmbeddingDedup" } });
    const deita = new DeitaFiltering({ pipeline: null, dataBudget: 100, distanceMetric: "manhattan" });
    expect(deita.dump()).toMatchObject({ data_budget: 100, diversity_threshold: 0.9, normalize_embeddings: true, distance_metric: "manhattan" });
    const deitaParams = deita.dump().runtime_parameters_info as Array<{ name: string; optional: boolean }>;
    expect(deitaParams.find((p) => p.name === "data_budget")).toMatchObject({ optional: false });
    for (const step of [nn, dedup, deita]) expect(registry.load<BaseStep>(step.dump(), "step").dump()).toEqual(step.dump());
  });

  it("loads a step as distilabel dumps it", () => {
    const step = createDefaultRegistry().load<FaissNearestNeighbour>(
      {
        name: "faiss_nearest_neighbour_0",
        resources: { replicas: 1, cpus: null, gpus: null, memory: null, resources: null },
        input_mappings: {},
        output_mappings: {},
        use_cache: true,
        input_batch_size: 50,
        device: null,
        string_factory: null,
        metric_type: null,
        k: 5,
        search_batch_size: 50,
        train_size: null,
        runtime_parameters_info: [],
        type_info: { module: "distilabel.steps.embeddings.nearest_neighbour", name: "FaissNearestNeighbour" },
      },
      "step",
    );
    expect(step).toBeInstanceOf(FaissNearestNeighbour);
    expect(step.attrs.k).toBe(5);
    expect(step.attrs.metricType).toBeNull();
  });
});

describe("embedding deduplication pipeline", () => {
  it("runs LoadDataFromDicts >> FaissNearestNeighbour >> EmbeddingDedup in process", async () => {
    const data = [
      { id: "a", embedding: [1, 0, 0] },
      { id: "b", embedding: [0, 1, 0] },
      { id: "a-near", embedding: [0.96, 0.28, 0] },
      { id: "c", embedding: [0, 0, 1] },
      { id: "b-copy", embedding: [0, 1, 0] },
      { id: "c-near", embedding: [0, 0.28, 0.96] },
      { id: "lonely", embedding: [0.6, 0, 0.8] },
    ];
    const pipeline = new Pipeline({ name: "embedding-dedup" }).build(() => {
      const load = new LoadDataFromDicts({ name: "load", data, batchSize: 2 });
      const nn = new FaissNearestNeighbour({ name: "nn", metricType: "inner_product" });
      const dedup = new EmbeddingDedup({ name: "dedup", threshold: 0.95 });
      load.connect(nn);
      nn.connect(dedup);
    });
    const result = await runInProcess(pipeline, { cache: new MemoryRunCache(), useCache: false });
    expect(result.state.status).toBe("succeeded");
    const rows = result.distiset.rows("default");
    expect(rows.map((r) => r.id)).toEqual(data.map((d) => d.id));
    // b and b-copy tie at 1: inner-product ties list the higher index first, so both drop it
    // and list b; the near pairs list each other, so distilabel's rule drops both of each pair
    expect(rows.map((r) => r.nn_indices)).toEqual([[2], [1], [0], [5], [1], [3], [3]]);
    expect(rows.map((r) => r.nn_scores)).toEqual([
      [Math.fround(0.96)],
      [1],
      [Math.fround(0.96)],
      [Math.fround(0.96)],
      [1],
      [Math.fround(0.96)],
      [Math.fround(0.8)],
    ]);
    expect(rows.filter((r) => r.keep_row_after_embedding_filtering).map((r) => r.id)).toEqual(["b-copy", "lonely"]);
  });
});
