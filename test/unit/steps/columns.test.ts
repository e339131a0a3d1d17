import { describe, expect, it } from "vitest";
import { createDefaultRegistry } from "../../../src/default-registry.js";
import { DistilflareError, OptionError } from "../../../src/errors.js";
import type { BaseStep } from "../../../src/steps/base-step.js";
import { testContext } from "../../support/test-context.js";
import { CombineOutputs, ExpandColumns, GroupColumns, KeepColumns, MergeColumns, mergeDistilabelMetadata } from "../../../src/steps/builtin/index.js";

const ctx = testContext();

function reload(step: BaseStep): Record<string, unknown> {
  return createDefaultRegistry().load<BaseStep>(step.dump(), "step").dump();
}

describe("KeepColumns", () => {
  it("keeps only the listed columns, in the listed order", async () => {
    const step = new KeepColumns({ columns: ["generation", "instruction"], pipeline: null });
    const rows = await step.process(
      [
        [
          { instruction: "What's the brightest color?", generation: "white", model_name: "my_model" },
          { model_name: "m2", instruction: "i2", generation: "g2", extra: 1 },
        ],
      ],
      ctx,
    );
    expect(rows).toEqual([
      { generation: "white", instruction: "What's the brightest color?" },
      { generation: "g2", instruction: "i2" },
    ]);
    expect(Object.keys(rows[0] ?? {})).toEqual(["generation", "instruction"]);
  });

  it("declares the columns as both inputs and outputs", () => {
    const step = new KeepColumns({ columns: ["a", "b"], pipeline: null });
    expect(step.inputs).toEqual(["a", "b"]);
    expect(step.outputs).toEqual(["a", "b"]);
  });

  it("fails the batch naming the row and the missing column", async () => {
    const step = new KeepColumns({ columns: ["a", "b"], name: "keep", pipeline: null });
    const run = step.process([[{ a: 1, b: 2 }, { a: 3 }]], ctx);
    await expect(run).rejects.toThrow(DistilflareError);
    await expect(step.process([[{ a: 1, b: 2 }, { a: 3 }]], ctx)).rejects.toThrow(
      "Step 'keep': row 1, column 'b': the row has no such column; its columns are: a",
    );
  });

  it("rejects an empty column list and unknown options", () => {
    expect(() => new KeepColumns({ columns: [], pipeline: null })).toThrow(OptionError);
    expect(() => new KeepColumns({ columns: [], pipeline: null })).toThrow("columns needs at least one column name");
    expect(() => new KeepColumns({ columns: ["a"], colums: ["b"], pipeline: null } as never)).toThrow("has no option 'colums'");
  });

  it("dumps snake_case attributes with its type name and loads back to the same dump", () => {
    const step = new KeepColumns({ columns: ["a", "b"], inputBatchSize: 8, pipeline: null });
    const dump = step.dump();
    expect(dump).toMatchObject({
      name: "keep_columns_0",
      columns: ["a", "b"],
      input_batch_size: 8,
      input_mappings: {},
      output_mappings: {},
      use_cache: true,
      type_info: { name: "KeepColumns" },
    });
    expect(reload(step)).toEqual(dump);
  });
});

describe("GroupColumns", () => {
  it("zips predecessors and groups columns into grouped_<col> lists (distilabel's docstring example)", async () => {
    const step = new GroupColumns({ columns: ["generation", "model_name"], pipeline: null });
    const rows = await step.process(
      [[{ generation: "AI generated text" }, { model_name: "my_model" }], [{ generation: "Other generated text", model_name: "my_model" }]],
      ctx,
    );
    // zip stops at the shortest predecessor: one row
    expect(rows).toEqual([{ grouped_generation: ["AI generated text", "Other generated text"], grouped_model_name: ["my_model"] }]);
  });

  it("names the grouped columns after output_columns and keeps other columns, later predecessors overwriting", async () => {
    const step = new GroupColumns({ columns: ["generation", "model_name"], outputColumns: ["generations", "generation_models"], pipeline: null });
    const rows = await step.process(
      [
        [
          { instruction: "i0", generation: "a0", model_name: "m1", source: "first" },
          { instruction: "i1", generation: "a1", model_name: "m1", source: "first" },
        ],
        [
          { instruction: "i0", generation: "b0", model_name: "m2", source: "second" },
          { instruction: "i1", generation: "b1", model_name: "m2", source: "second" },
        ],
      ],
      ctx,
    );
    expect(rows).toEqual([
      { instruction: "i0", generations: ["a0", "b0"], generation_models: ["m1", "m2"], source: "second" },
      { instruction: "i1", generations: ["a1", "b1"], generation_models: ["m1", "m2"], source: "second" },
    ]);
    expect(Object.keys(rows[0] ?? {})).toEqual(["instruction", "generations", "generation_models", "source"]);
    expect(step.outputs).toEqual(["generations", "generation_models"]);
    expect(step.acceptsMultipleInputs).toBe(true);
  });

  it("merges dict metadata: a key seen once keeps its value, a repeated key becomes a list", async () => {
    const step = new GroupColumns({ columns: ["generation"], pipeline: null });
    const rows = await step.process(
      [
        [{ generation: "a", distilabel_metadata: { raw_output_t1: "a", statistics: { input_tokens: 1 } } }],
        [{ generation: "b", distilabel_metadata: { raw_output_t2: "b", statistics: { input_tokens: 2 } } }],
        [{ generation: "c" }],
      ],
      ctx,
    );
    expect(rows).toEqual([
      {
        grouped_generation: ["a", "b", "c"],
        distilabel_metadata: { raw_output_t1: "a", statistics: [{ input_tokens: 1 }, { input_tokens: 2 }], raw_output_t2: "b" },
      },
    ]);
  });

  it("concatenates list metadata (grouped generations) and writes no metadata when no row has any", async () => {
    const step = new GroupColumns({ columns: ["generation"], pipeline: null });
    const listed = await step.process(
      [
        [{ generation: "a", distilabel_metadata: [{ raw_output_t: "a1" }, { raw_output_t: "a2" }] }],
        [{ generation: "b", distilabel_metadata: [{ raw_output_u: "b1" }] }],
      ],
      ctx,
    );
    expect(listed[0]?.distilabel_metadata).toEqual([{ raw_output_t: "a1" }, { raw_output_t: "a2" }, { raw_output_u: "b1" }]);
    const plain = await step.process([[{ generation: "a" }], [{ generation: "b" }]], ctx);
    expect(plain).toEqual([{ grouped_generation: ["a", "b"] }]);
  });

  it("rejects output_columns of another length than columns", () => {
    const make = () => new GroupColumns({ columns: ["a", "b"], outputColumns: ["x"], name: "g", pipeline: null });
    expect(make).toThrow(OptionError);
    expect(make).toThrow("output_columns has 1 names but columns has 2");
  });

  it("dumps output_columns as null when unset and round-trips through the registry", () => {
    const step = new GroupColumns({ columns: ["a"], pipeline: null });
    expect(step.dump()).toMatchObject({ columns: ["a"], output_columns: null, type_info: { name: "GroupColumns" } });
    expect(reload(step)).toEqual(step.dump());
    const named = new GroupColumns({ columns: ["a"], outputColumns: ["b"], pipeline: null });
    expect(reload(named)).toEqual(named.dump());
  });
});

describe("mergeDistilabelMetadata", () => {
  it("switches to a list when list metadata appears, dropping dict keys gathered before (as distilabel)", () => {
    expect(mergeDistilabelMetadata([{ distilabel_metadata: { a: 1 } }, { distilabel_metadata: [{ b: 2 }] }])).toEqual([{ b: 2 }]);
  });

  it("appends a dict that follows a list as one more element", () => {
    expect(mergeDistilabelMetadata([{ distilabel_metadata: [{ b: 2 }] }, { distilabel_metadata: { a: 1 } }])).toEqual([{ b: 2 }, { a: 1 }]);
  });

  it("ignores rows without metadata or with null metadata", () => {
    expect(mergeDistilabelMetadata([{ x: 1 }, { distilabel_metadata: null }, { distilabel_metadata: { a: 1 } }])).toEqual({ a: 1 });
    expect(mergeDistilabelMetadata([{ x: 1 }])).toEqual({});
  });
});

describe("MergeColumns", () => {
  it("pops the columns and concatenates their values, spreading lists (distilabel's docstring example)", async () => {
    const step = new MergeColumns({ columns: ["queries", "multiple_queries"], outputColumn: "queries", pipeline: null });
    const rows = await step.process([[{ id: 1, queries: "How are you?", multiple_queries: ["What's up?", "Everything ok?"] }]], ctx);
    expect(rows).toEqual([{ id: 1, queries: ["How are you?", "What's up?", "Everything ok?"] }]);
    expect(step.outputs).toEqual(["queries"]);
  });

  it("writes to merged_column by default, after the remaining columns", async () => {
    const step = new MergeColumns({ columns: ["a", "b"], pipeline: null });
    const input = { a: [1, 2], z: "keep", b: 3 };
    const rows = await step.process([[input]], ctx);
    expect(rows).toEqual([{ z: "keep", merged_column: [1, 2, 3] }]);
    expect(Object.keys(rows[0] ?? {})).toEqual(["z", "merged_column"]);
    expect(input).toEqual({ a: [1, 2], z: "keep", b: 3 });
    expect(step.inputs).toEqual(["a", "b"]);
  });

  it("fails the batch when a row lacks a merged column", async () => {
    const step = new MergeColumns({ columns: ["a", "b"], name: "merge", pipeline: null });
    await expect(step.process([[{ a: 1 }]], ctx)).rejects.toThrow("Step 'merge': row 0, column 'b': the row has no such column");
  });

  it("round-trips its dump", () => {
    const step = new MergeColumns({ columns: ["a", "b"], pipeline: null });
    expect(step.dump()).toMatchObject({ columns: ["a", "b"], output_column: "merged_column", type_info: { name: "MergeColumns" } });
    expect(reload(step)).toEqual(step.dump());
  });
});

describe("ExpandColumns", () => {
  it("makes one row per element, copying the other columns (distilabel's docstring example)", async () => {
    const step = new ExpandColumns({ columns: ["generation"], pipeline: null });
    const rows = await step.process([[{ instruction: "instruction 1", generation: ["generation 1", "generation 2"] }]], ctx);
    expect(rows).toEqual([
      { instruction: "instruction 1", generation: "generation 1" },
      { instruction: "instruction 1", generation: "generation 2" },
    ]);
  });

  it("expands several columns in step and keeps the source column when renaming", async () => {
    const step = new ExpandColumns({ columns: { generations: "generation", models: "model" }, pipeline: null });
    expect(step.inputs).toEqual(["generations", "models"]);
    expect(step.outputs).toEqual(["generation", "model"]);
    const rows = await step.process(
      [
        [
          { id: 1, generations: ["g1", "g2"], models: ["m1", "m2"] },
          { id: 2, generations: [], models: [] },
        ],
      ],
      ctx,
    );
    expect(rows).toEqual([
      { id: 1, generations: ["g1", "g2"], models: ["m1", "m2"], generation: "g1", model: "m1" },
      { id: 1, generations: ["g1", "g2"], models: ["m1", "m2"], generation: "g2", model: "m2" },
    ]);
  });

  it("decodes JSON-encoded columns first", async () => {
    const step = new ExpandColumns({ columns: ["generation", "score"], encoded: ["generation"], pipeline: null });
    const rows = await step.process([[{ generation: '["generation 1", "generation 2"]', score: [1, 2] }]], ctx);
    expect(rows).toEqual([
      { generation: "generation 1", score: 1 },
      { generation: "generation 2", score: 2 },
    ]);
  });

  it("fails with a clear error when expanded columns have different lengths", async () => {
    const step = new ExpandColumns({ columns: ["a", "b"], name: "expand", pipeline: null });
    await expect(step.process([[{ a: [1, 2, 3], b: [1] }]], ctx)).rejects.toThrow(
      "Step 'expand': row 0, column 'b': the columns to expand must have the same number of items; got a=3, b=1",
    );
  });

  it("fails when a column is not a list or an encoded column is not valid JSON", async () => {
    const step = new ExpandColumns({ columns: ["a"], name: "expand", pipeline: null });
    await expect(step.process([[{ a: "x" }]], ctx)).rejects.toThrow("column 'a': expected a list to expand, got the string \"x\"");
    const encoded = new ExpandColumns({ columns: ["a"], encoded: true, name: "expand", pipeline: null });
    await expect(encoded.process([[{ a: "[1," }]], ctx)).rejects.toThrow("column 'a': is not valid JSON");
    await expect(encoded.process([[{ a: [1] }]], ctx)).rejects.toThrow("expected a JSON-encoded string");
  });

  it("splits per-generation statistics by the number of new rows (distilabel's docstring example)", async () => {
    const step = new ExpandColumns({ columns: ["generation"], splitStatistics: true, pipeline: null });
    const rows = await step.process(
      [
        [
          {
            instruction: "instruction 1",
            generation: ["generation 1", "generation 2"],
            distilabel_metadata: {
              statistics_generation: { input_tokens: [12], output_tokens: [13] },
              statistics_other: { input_tokens: 7, output_tokens: 9, extra: "dropped" },
              raw_output_generation: "raw",
            },
          },
        ],
      ],
      ctx,
    );
    const metadata = {
      statistics_generation: { input_tokens: [6], output_tokens: [6] },
      statistics_other: { input_tokens: [3], output_tokens: [4] },
      raw_output_generation: "raw",
    };
    expect(rows).toEqual([
      { instruction: "instruction 1", generation: "generation 1", distilabel_metadata: metadata },
      { instruction: "instruction 1", generation: "generation 2", distilabel_metadata: metadata },
    ]);
    expect(rows[0]?.distilabel_metadata).not.toBe(rows[1]?.distilabel_metadata);
  });

  it("expands list metadata element by element and leaves missing metadata alone", async () => {
    const step = new ExpandColumns({ columns: ["g"], splitStatistics: true, pipeline: null });
    const rows = await step.process([[{ g: [1, 2], distilabel_metadata: [{ raw: "a" }, { raw: "b" }] }, { g: [3] }]], ctx);
    expect(rows).toEqual([{ g: 1, distilabel_metadata: { raw: "a" } }, { g: 2, distilabel_metadata: { raw: "b" } }, { g: 3 }]);
    await expect(step.process([[{ g: [1, 2], distilabel_metadata: [{ raw: "a" }] }]], ctx)).rejects.toThrow(
      "holds a list of 1 entries but the row expands into 2 rows",
    );
  });

  it("keeps metadata unchanged without split_statistics", async () => {
    const step = new ExpandColumns({ columns: ["g"], pipeline: null });
    const metadata = { statistics_t: { input_tokens: [10], output_tokens: [10] } };
    const rows = await step.process([[{ g: [1, 2], distilabel_metadata: metadata }]], ctx);
    expect(rows.map((r) => r.distilabel_metadata)).toEqual([metadata, metadata]);
  });

  it("rejects encoded columns that are not expanded", () => {
    const make = () => new ExpandColumns({ columns: ["a"], encoded: ["a", "b"], name: "e", pipeline: null });
    expect(make).toThrow(OptionError);
    expect(make).toThrow("the 'encoded' columns must be a subset of the 'columns' selected for expansion; not selected: b");
  });

  it("dumps columns as a dict and encoded as a list, as distilabel stores them, and round-trips", () => {
    const step = new ExpandColumns({ columns: ["a", "b"], encoded: true, pipeline: null });
    expect(step.dump()).toMatchObject({ columns: { a: "a", b: "b" }, encoded: ["a", "b"], split_statistics: false, type_info: { name: "ExpandColumns" } });
    expect(reload(step)).toEqual(step.dump());
    expect(new ExpandColumns({ columns: ["a"], pipeline: null }).dump().encoded).toEqual([]);
  });
});

describe("CombineOutputs", () => {
  it("zips predecessors, later keys winning, and merges metadata", async () => {
    const step = new CombineOutputs({ pipeline: null });
    const rows = await step.process(
      [
        [
          { a: 1, shared: "first", distilabel_metadata: { raw_output_x: "x" } },
          { a: 2, shared: "first" },
        ],
        [
          { b: 1, shared: "second", distilabel_metadata: { raw_output_y: "y" } },
          { b: 2, shared: "second" },
        ],
      ],
      ctx,
    );
    expect(rows).toEqual([
      { a: 1, shared: "second", b: 1, distilabel_metadata: { raw_output_x: "x", raw_output_y: "y" } },
      { a: 2, shared: "second", b: 2, distilabel_metadata: {} },
    ]);
    expect(step.acceptsMultipleInputs).toBe(true);
  });

  it("stops at the shortest predecessor", async () => {
    const step = new CombineOutputs({ pipeline: null });
    const rows = await step.process([[{ a: 1 }, { a: 2 }], [{ b: 1 }]], ctx);
    expect(rows).toEqual([{ a: 1, b: 1, distilabel_metadata: {} }]);
  });

  it("round-trips its dump", () => {
    const step = new CombineOutputs({ pipeline: null });
    expect(step.dump()).toMatchObject({ name: "combine_outputs_0", type_info: { name: "CombineOutputs" } });
    expect(reload(step)).toEqual(step.dump());
  });
});
