import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import type { DuckDBConnection } from "@duckdb/node-api";
import { parquetMetadata, parquetSchema } from "hyparquet";
import type { AsyncBuffer } from "hyparquet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Row } from "../../../src/core/row.js";
import { DistilflareError } from "../../../src/errors.js";
import {
  TableSchemaSchema,
  inferColumnType,
  inferSchema,
  mergeColumnTypes,
  mergeSchemas,
  readParquetMetadata,
  readParquetMetadataFromAsyncBuffer,
  readParquetRows,
  readParquetRowsFromAsyncBuffer,
  writeParquet,
  writeParquetYielding,
  YIELDING_ROW_GROUP_SIZE,
} from "../../../src/distiset/parquet/index.js";
import type { ColumnType, TableSchema } from "../../../src/distiset/parquet/index.js";
import { fromParquetTree, toParquetElements } from "../../../src/distiset/parquet/parquet-elements.js";
import { noise } from "../../support/noise.js";

const STRING: ColumnType = { kind: "string" };
const INT64: ColumnType = { kind: "int64" };
const DOUBLE: ColumnType = { kind: "double" };
const BOOLEAN: ColumnType = { kind: "boolean" };
const NULL: ColumnType = { kind: "null" };
const JSON_TYPE: ColumnType = { kind: "json" };
const list = (element: ColumnType): ColumnType => ({ kind: "list", element });
const struct = (fields: Record<string, ColumnType>): ColumnType => ({ kind: "struct", fields });

/** Rows shaped like a distilabel TextGeneration leaf, with every kind of column the writer handles. */
const ROWS: Row[] = [
  {
    instruction: "Tell me a joke",
    index: 0,
    score: 0.5,
    accepted: true,
    always_null: null,
    generations: ["Why did the chicken...", "Knock knock"],
    embeddings: [
      [0.25, -1.5],
      [3, 4.75],
    ],
    distilabel_metadata: { raw_output_text_generation_0: "Why did the chicken...", statistics_text_generation_0: { input_tokens: 12, output_tokens: 34 } },
    rating: null,
    model_name: "gpt-4o-mini",
  },
  {
    instruction: "Write a haiku",
    index: 1,
    score: 2, // an integer in a double column stays a number
    accepted: false,
    always_null: null,
    generations: [],
    embeddings: [[], [1.5]],
    distilabel_metadata: { raw_output_text_generation_0: null },
    rating: null,
    // model_name missing: null on read
  },
  {
    instruction: null,
    index: null,
    score: null,
    accepted: null,
    always_null: null,
    generations: null,
    embeddings: null,
    distilabel_metadata: null,
    rating: 7, // null in the first rows, typed later
    model_name: "gpt-4o",
    feedback: ["late column", null], // only in the last row
  },
];

/**
 * What readParquetRows returns for ROWS: every row has every column (missing ones null), and a
 * struct field missing from a row is null. Everything else is equal to what was written.
 */
const EXPECTED: Row[] = [
  { ...ROWS[0], feedback: null },
  { ...ROWS[1], distilabel_metadata: { raw_output_text_generation_0: null, statistics_text_generation_0: null }, model_name: null, feedback: null },
  { ...ROWS[2] },
];

const EXPECTED_SCHEMA: TableSchema = {
  columns: [
    { name: "instruction", type: STRING },
    { name: "index", type: INT64 },
    { name: "score", type: DOUBLE },
    { name: "accepted", type: BOOLEAN },
    { name: "always_null", type: NULL },
    { name: "generations", type: list(STRING) },
    { name: "embeddings", type: list(list(DOUBLE)) },
    {
      name: "distilabel_metadata",
      type: struct({ raw_output_text_generation_0: STRING, statistics_text_generation_0: struct({ input_tokens: INT64, output_tokens: INT64 }) }),
    },
    { name: "rating", type: INT64 },
    { name: "model_name", type: STRING },
    { name: "feedback", type: list(STRING) },
  ],
};

let tempDir: string;
let instance: DuckDBInstance;
let duckdb: DuckDBConnection;

beforeAll(async () => {
  tempDir = mkdtempSync(join(tmpdir(), "distilflare-parquet-"));
  // No fallback on purpose: if the native DuckDB binding cannot load here, these tests must fail.
  instance = await DuckDBInstance.create(":memory:");
  duckdb = await instance.connect();
});

afterAll(() => {
  duckdb?.closeSync();
  instance?.closeSync();
  rmSync(tempDir, { recursive: true, force: true });
});

function writeTemp(name: string, bytes: Uint8Array): string {
  const path = join(tempDir, name);
  writeFileSync(path, bytes);
  return path;
}

async function duckdbRows(sql: string): Promise<Record<string, unknown>[]> {
  return (await duckdb.runAndReadAll(sql)).getRowObjectsJson();
}

async function duckdbTypes(path: string): Promise<Record<string, string>> {
  const rows = await duckdbRows(`DESCRIBE SELECT * FROM read_parquet('${path}')`);
  return Object.fromEntries(rows.map((row) => [String(row.column_name), String(row.column_type)]));
}

async function expectDistilflareError(run: () => unknown, code: string): Promise<DistilflareError> {
  let caught: unknown;
  try {
    await run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(DistilflareError);
  expect((caught as DistilflareError).code).toBe(code);
  return caught as DistilflareError;
}

describe("inferColumnType / inferSchema", () => {
  it("types values the way pyarrow would", () => {
    expect(inferColumnType("a")).toEqual(STRING);
    expect(inferColumnType(3)).toEqual(INT64);
    expect(inferColumnType(3.5)).toEqual(DOUBLE);
    expect(inferColumnType(2 ** 60)).toEqual(DOUBLE); // not a safe integer
    expect(inferColumnType(false)).toEqual(BOOLEAN);
    expect(inferColumnType(null)).toEqual(NULL);
    expect(inferColumnType(undefined)).toEqual(NULL);
    expect(inferColumnType(["a", null])).toEqual(list(STRING));
    expect(inferColumnType([[1, 0.5], []])).toEqual(list(list(DOUBLE)));
    expect(inferColumnType([])).toEqual(list(NULL));
    expect(inferColumnType({ a: 1, b: { c: "x" } })).toEqual(struct({ a: INT64, b: struct({ c: STRING }) }));
    expect(inferColumnType(new Date(0))).toEqual(JSON_TYPE);
    expect(inferColumnType([1, "a"])).toEqual(list(JSON_TYPE));
  });

  it("infers columns in first-seen order, merging types across rows", () => {
    expect(inferSchema(ROWS)).toEqual(EXPECTED_SCHEMA);
  });

  it("unions struct keys seen across rows", () => {
    const schema = inferSchema([{ m: { a: 1 } }, { m: { b: "x" } }, { m: { a: 2.5, c: [true] } }]);
    expect(schema.columns).toEqual([{ name: "m", type: struct({ a: DOUBLE, b: STRING, c: list(BOOLEAN) }) }]);
  });

  it("falls back to json for a column holding a string in one row and an object in another", () => {
    expect(inferSchema([{ x: "text" }, { x: { a: 1 } }]).columns).toEqual([{ name: "x", type: JSON_TYPE }]);
  });

  it("rejects a row that is not an object with invalid_request", async () => {
    const error = await expectDistilflareError(() => inferSchema([{ a: 1 }, ["not", "a", "row"] as unknown as Row]), "invalid_request");
    expect(error.details).toEqual({ row: 1, got: "array" });
  });
});

describe("mergeColumnTypes / mergeSchemas", () => {
  it("merges null into anything", () => {
    expect(mergeColumnTypes(NULL, STRING)).toEqual(STRING);
    expect(mergeColumnTypes(STRING, NULL)).toEqual(STRING);
    expect(mergeColumnTypes(NULL, list(INT64))).toEqual(list(INT64));
    expect(mergeColumnTypes(NULL, NULL)).toEqual(NULL);
  });

  it("widens int64 and double to double", () => {
    expect(mergeColumnTypes(INT64, DOUBLE)).toEqual(DOUBLE);
    expect(mergeColumnTypes(DOUBLE, INT64)).toEqual(DOUBLE);
    expect(mergeColumnTypes(list(list(INT64)), list(list(DOUBLE)))).toEqual(list(list(DOUBLE)));
  });

  it("unions struct fields, keeping the first side's order", () => {
    const a = struct({ raw_output: STRING, statistics: struct({ input_tokens: INT64 }) });
    const b = struct({ statistics: struct({ output_tokens: INT64 }), error: STRING });
    const merged = mergeColumnTypes(a, b);
    expect(merged).toEqual(struct({ raw_output: STRING, statistics: struct({ input_tokens: INT64, output_tokens: INT64 }), error: STRING }));
    expect(Object.keys(merged.kind === "struct" ? merged.fields : {})).toEqual(["raw_output", "statistics", "error"]);
  });

  it("falls back to json for incompatible types, at the level where they clash", () => {
    expect(mergeColumnTypes(STRING, struct({ a: INT64 }))).toEqual(JSON_TYPE);
    expect(mergeColumnTypes(list(STRING), STRING)).toEqual(JSON_TYPE);
    expect(mergeColumnTypes(BOOLEAN, INT64)).toEqual(JSON_TYPE);
    expect(mergeColumnTypes(list(STRING), list(INT64))).toEqual(list(JSON_TYPE));
    expect(mergeColumnTypes(struct({ a: STRING }), struct({ a: list(STRING) }))).toEqual(struct({ a: JSON_TYPE }));
    expect(mergeColumnTypes(JSON_TYPE, NULL)).toEqual(JSON_TYPE);
    expect(mergeColumnTypes(STRING, JSON_TYPE)).toEqual(JSON_TYPE);
  });

  it("merges the schemas of two files: a's columns first, then b's new ones", () => {
    const a: TableSchema = {
      columns: [
        { name: "instruction", type: STRING },
        { name: "rating", type: NULL },
      ],
    };
    const b: TableSchema = {
      columns: [
        { name: "generation", type: STRING },
        { name: "rating", type: DOUBLE },
        { name: "instruction", type: STRING },
      ],
    };
    expect(mergeSchemas(a, b)).toEqual({
      columns: [
        { name: "instruction", type: STRING },
        { name: "rating", type: DOUBLE },
        { name: "generation", type: STRING },
      ],
    });
  });

  it("keeps schemas plain JSON that the zod schema accepts", () => {
    const json: unknown = JSON.parse(JSON.stringify(EXPECTED_SCHEMA));
    expect(TableSchemaSchema.parse(json)).toEqual(EXPECTED_SCHEMA);
    expect(TableSchemaSchema.safeParse({ columns: [{ name: "x", type: { kind: "decimal" } }] }).success).toBe(false);
  });
});

describe("writeParquetYielding", () => {
  it("writes the rows, metadata and schema writeParquet writes", async () => {
    const bytes = await writeParquetYielding(ROWS);
    expect(await readParquetRows(bytes)).toEqual(EXPECTED);
    expect(readParquetMetadata(bytes)).toEqual(readParquetMetadata(writeParquet(ROWS)));
  });

  it("hands the event loop back between row groups, so other requests are served mid-write", async () => {
    const rows: Row[] = Array.from({ length: YIELDING_ROW_GROUP_SIZE * 3 }, (_, i) => ({ id: i, text: `row ${i}` }));
    const events: string[] = [];
    // A timer queued before the write can only fire before it ends if the write yields.
    setTimeout(() => events.push("timer"), 0);
    const bytes = await writeParquetYielding(rows);
    events.push("written");
    expect(events).toEqual(["timer", "written"]);
    expect(
      parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer).row_groups.map((g) => Number(g.num_rows)),
    ).toEqual([YIELDING_ROW_GROUP_SIZE, YIELDING_ROW_GROUP_SIZE, YIELDING_ROW_GROUP_SIZE]);
    expect(await readParquetRows(bytes)).toEqual(rows);
  });

  it("rejects what writeParquet rejects, with the same error", async () => {
    await expect(writeParquetYielding([])).rejects.toMatchObject({ code: "invalid_request" });
    await expect(writeParquetYielding([{ a: 1 }], { columns: [{ name: "b", type: INT64 }] })).rejects.toMatchObject({ code: "invalid_request" });
  });
});

describe("writeParquet / readParquetRows round trip", () => {
  it("reads back what was written: nulls, lists, nested lists, nested structs, late and missing columns", async () => {
    const bytes = writeParquet(ROWS);
    const rows = await readParquetRows(bytes);
    expect(rows).toEqual(EXPECTED);
    // JSON-serialisable: no bigint, no undefined.
    expect(JSON.parse(JSON.stringify(rows))).toEqual(EXPECTED);
  });

  it("reports row count, columns and the written schema in the metadata", () => {
    const metadata = readParquetMetadata(writeParquet(ROWS));
    expect(metadata).toEqual({ numRows: 3, columns: EXPECTED_SCHEMA.columns.map((column) => column.name), schema: EXPECTED_SCHEMA });
  });

  it("round-trips json columns to the original values", async () => {
    const rows: Row[] = [{ x: "text" }, { x: { a: [1, "b"] } }, { x: [1, 2] }, { x: null }, { x: 4.5 }];
    const bytes = writeParquet(rows);
    expect(readParquetMetadata(bytes).schema.columns).toEqual([{ name: "x", type: JSON_TYPE }]);
    expect(await readParquetRows(bytes)).toEqual(rows);
  });

  it("stores a struct without fields as json, since Parquet groups need a child", async () => {
    const rows: Row[] = [{ empty: {}, items: [{}, {}] }];
    const bytes = writeParquet(rows);
    expect(await readParquetRows(bytes)).toEqual(rows);
    const path = writeTemp("empty-struct.parquet", bytes);
    expect(await duckdbTypes(path)).toEqual({ empty: "JSON", items: "JSON[]" });
  });

  it("returns int64 values beyond the safe range as decimal strings", async () => {
    const bytes = writeParquet([{ big: 2n ** 60n, small: 5n }]);
    expect(await readParquetRows(bytes)).toEqual([{ big: "1152921504606846976", small: 5 }]);
  });

  it("reads an offset/length window", async () => {
    const rows = Array.from({ length: 50 }, (_, i) => ({ i }));
    const bytes = writeParquet(rows, undefined, { rowGroupSize: 8 });
    expect(await readParquetRows(bytes, { offset: 13, length: 5 })).toEqual(rows.slice(13, 18));
    expect(await readParquetRows(bytes, { offset: 45, length: 100 })).toEqual(rows.slice(45));
    expect(await readParquetRows(bytes, { offset: 60 })).toEqual([]);
  });

  it("reads from a node Buffer that is a view into a larger pool", async () => {
    const path = writeTemp("buffer.parquet", writeParquet(ROWS));
    const buffer = readFileSync(path);
    expect(await readParquetRows(buffer)).toEqual(EXPECTED);
  });

  it("writes a file with zero rows when given a schema", async () => {
    const bytes = writeParquet([], EXPECTED_SCHEMA);
    expect(await readParquetRows(bytes)).toEqual([]);
    expect(readParquetMetadata(bytes)).toEqual({ numRows: 0, columns: EXPECTED_SCHEMA.columns.map((column) => column.name), schema: EXPECTED_SCHEMA });
    const path = writeTemp("empty.parquet", bytes);
    expect(await duckdbRows(`SELECT count(*)::INTEGER AS n FROM read_parquet('${path}')`)).toEqual([{ n: 0 }]);
    expect((await duckdbTypes(path)).generations).toBe("VARCHAR[]");
  });

  it("reads a missing column named like an Object.prototype member as null", async () => {
    const rows: Row[] = [{ constructor: "x", toString: { valueOf: 1 } }, { other: true }];
    expect(await readParquetRows(writeParquet(rows))).toEqual([
      { constructor: "x", toString: { valueOf: 1 }, other: null },
      { constructor: null, toString: null, other: true },
    ]);
  });

  it("writes two batches with their merged schema so every file has the same column types", async () => {
    const first: Row[] = [{ instruction: "a", rating: null, metadata: { input_tokens: 1 } }];
    const second: Row[] = [{ instruction: "b", rating: 4.5, metadata: { output_tokens: 2 } }];
    const schema = mergeSchemas(inferSchema(first), inferSchema(second));
    const firstFile = writeParquet(first, schema);
    const secondFile = writeParquet(second, schema);
    for (const [i, bytes] of [firstFile, secondFile].entries()) {
      expect(readParquetMetadata(bytes).schema).toEqual(schema);
      expect(await duckdbTypes(writeTemp(`batch-${i}.parquet`, bytes))).toEqual({
        instruction: "VARCHAR",
        rating: "DOUBLE",
        metadata: "STRUCT(input_tokens BIGINT, output_tokens BIGINT)",
      });
    }
    expect(await readParquetRows(firstFile)).toEqual([{ instruction: "a", rating: null, metadata: { input_tokens: 1, output_tokens: null } }]);
  });

  it("writes rows against a given schema, widening ints to double", async () => {
    const schema: TableSchema = {
      columns: [
        { name: "score", type: DOUBLE },
        { name: "tags", type: list(STRING) },
      ],
    };
    const bytes = writeParquet([{ score: 1 }, { tags: ["a"] }], schema);
    expect(await readParquetRows(bytes)).toEqual([
      { score: 1, tags: null },
      { score: null, tags: ["a"] },
    ]);
    expect((await duckdbTypes(writeTemp("given.parquet", bytes))).score).toBe("DOUBLE");
  });
});

describe("writeParquet errors", () => {
  it("rejects rows that are not objects with invalid_request", async () => {
    await expectDistilflareError(() => writeParquet([{ a: 1 }, "row" as unknown as Row]), "invalid_request");
    await expectDistilflareError(() => writeParquet([null as unknown as Row]), "invalid_request");
  });

  it("needs a schema to write zero rows", async () => {
    await expectDistilflareError(() => writeParquet([]), "invalid_request");
  });

  it("rejects a value that does not fit the given schema, naming the column", async () => {
    const schema: TableSchema = { columns: [{ name: "meta", type: struct({ tokens: INT64 }) }] };
    const error = await expectDistilflareError(() => writeParquet([{ meta: { tokens: 1.5 } }], schema), "invalid_request");
    expect(error.details).toEqual({ column: "meta.tokens", expected: "int64", got: "non-integer number" });
  });

  it("rejects a non-null value in a column the given schema lacks, rather than dropping it", async () => {
    const schema: TableSchema = { columns: [{ name: "a", type: STRING }] };
    const error = await expectDistilflareError(() => writeParquet([{ a: "x", b: 1 }], schema), "invalid_request");
    expect(error.details).toEqual({ column: "b" });
    // A null in such a column loses nothing.
    expect(await readParquetRows(writeParquet([{ a: "x", b: null }], schema))).toEqual([{ a: "x" }]);
  });

  it("rejects a row group size that is not a positive integer", async () => {
    await expectDistilflareError(() => writeParquet([{ a: 1 }], undefined, { rowGroupSize: 0 }), "invalid_request");
  });
});

describe("reading unreadable files", () => {
  it("fails with storage_failed on bytes that are not Parquet", async () => {
    const garbage = new TextEncoder().encode("this is not a parquet file at all");
    await expectDistilflareError(() => readParquetRows(garbage), "storage_failed");
    await expectDistilflareError(() => readParquetMetadata(garbage), "storage_failed");
  });

  it("fails with storage_failed on a truncated file", async () => {
    const bytes = writeParquet(ROWS);
    await expectDistilflareError(() => readParquetRows(bytes.slice(0, bytes.byteLength - 10)), "storage_failed");
  });
});

describe("DuckDB reads the written file independently", () => {
  let path: string;

  beforeAll(() => {
    path = writeTemp("rows.parquet", writeParquet(ROWS));
  });

  it("sees native column types, as pyarrow would have written them", async () => {
    expect(await duckdbTypes(path)).toEqual({
      instruction: "VARCHAR",
      index: "BIGINT",
      score: "DOUBLE",
      accepted: "BOOLEAN",
      always_null: "VARCHAR",
      generations: "VARCHAR[]",
      embeddings: "DOUBLE[][]",
      distilabel_metadata: "STRUCT(raw_output_text_generation_0 VARCHAR, statistics_text_generation_0 STRUCT(input_tokens BIGINT, output_tokens BIGINT))",
      rating: "BIGINT",
      model_name: "VARCHAR",
      feedback: "VARCHAR[]",
    });
  });

  it("reads the values, nulls and empty lists", async () => {
    const rows = await duckdbRows(`
      SELECT
        instruction,
        generations[1] AS first_generation,
        len(generations) AS n_generations,
        embeddings[1][2] AS embedding_value,
        distilabel_metadata.statistics_text_generation_0.input_tokens::INTEGER AS input_tokens,
        distilabel_metadata IS NULL AS metadata_is_null,
        rating::INTEGER AS rating,
        accepted,
        score,
        always_null,
        feedback
      FROM read_parquet('${path}')`);
    expect(rows).toEqual([
      {
        instruction: "Tell me a joke",
        first_generation: "Why did the chicken...",
        n_generations: "2",
        embedding_value: -1.5,
        input_tokens: 12,
        metadata_is_null: false,
        rating: null,
        accepted: true,
        score: 0.5,
        always_null: null,
        feedback: null,
      },
      {
        instruction: "Write a haiku",
        first_generation: null,
        n_generations: "0",
        embedding_value: null,
        input_tokens: null,
        metadata_is_null: false,
        rating: null,
        accepted: false,
        score: 2,
        always_null: null,
        feedback: null,
      },
      {
        instruction: null,
        first_generation: null,
        n_generations: null,
        embedding_value: null,
        input_tokens: null,
        metadata_is_null: true,
        rating: 7,
        accepted: null,
        score: null,
        always_null: null,
        feedback: ["late column", null],
      },
    ]);
  });

  it("reads json columns as JSON", async () => {
    const jsonPath = writeTemp("json.parquet", writeParquet([{ x: "text" }, { x: { a: 1 } }]));
    expect(await duckdbTypes(jsonPath)).toEqual({ x: "JSON" });
    expect(await duckdbRows(`SELECT x->>'$.a' AS a FROM read_parquet('${jsonPath}')`)).toEqual([{ a: null }, { a: "1" }]);
  });
});

describe("reading files written by another tool", () => {
  it("derives the schema and plain values from a DuckDB-written file", async () => {
    const path = join(tempDir, "from-duckdb.parquet");
    await duckdb.run(`COPY (
      SELECT 1::INTEGER AS i, 'a' AS s, [1.5::DOUBLE, NULL] AS l, {'x': 1, 'y': 'z'} AS st,
             DATE '2024-01-02' AS d, MAP {'k': 1} AS m, 9007199254740993::BIGINT AS huge
    ) TO '${path}' (FORMAT parquet)`);
    const bytes = readFileSync(path);
    expect(readParquetMetadata(bytes).schema).toEqual({
      columns: [
        { name: "i", type: INT64 },
        { name: "s", type: STRING },
        { name: "l", type: list(DOUBLE) },
        { name: "st", type: struct({ x: INT64, y: STRING }) },
        { name: "d", type: STRING },
        { name: "m", type: JSON_TYPE },
        { name: "huge", type: INT64 },
      ],
    });
    expect(await readParquetRows(bytes)).toEqual([
      { i: 1, s: "a", l: [1.5, null], st: { x: 1, y: "z" }, d: "2024-01-02T00:00:00.000Z", m: { k: 1 }, huge: "9007199254740993" },
    ]);
  });

  it("derives the same schema from the Parquet elements it writes, except null (string) and empty structs (json)", () => {
    const schema: TableSchema = { columns: [...EXPECTED_SCHEMA.columns, { name: "empty", type: struct({}) }, { name: "mixed", type: JSON_TYPE }] };
    const derived = fromParquetTree(parquetSchema({ schema: toParquetElements(schema) }));
    expect(derived.columns).toEqual(
      schema.columns.map((column) =>
        column.name === "always_null" ? { name: column.name, type: STRING } : column.name === "empty" ? { name: "empty", type: JSON_TYPE } : column,
      ),
    );
  });
});

describe("a 10,000-row file", () => {
  const ROW_COUNT = 10_000;
  const rows: Row[] = Array.from({ length: ROW_COUNT }, (_, i) => ({
    id: i,
    text: noise(i, 200),
    score: i / 7,
    generations: i % 5 === 0 ? [] : [noise(i + 1, 20), noise(i + 2, 20)],
    distilabel_metadata: i % 11 === 0 ? null : { statistics: { input_tokens: i, output_tokens: i % 3 === 0 ? null : 2 * i } },
  }));
  let bytes: Uint8Array;

  beforeAll(() => {
    bytes = writeParquet(rows, undefined, { rowGroupSize: 1000 });
  });

  it("round-trips every row", async () => {
    expect(readParquetMetadata(bytes).numRows).toBe(ROW_COUNT);
    expect(await readParquetRows(bytes)).toEqual(rows);
  });

  it("is read whole by DuckDB", async () => {
    const path = writeTemp("large.parquet", bytes);
    expect(
      await duckdbRows(
        `SELECT count(*)::INTEGER AS n, sum(id)::BIGINT::VARCHAR AS ids, sum(len(generations))::INTEGER AS generations,
                count(distilabel_metadata)::INTEGER AS with_metadata FROM read_parquet('${path}')`,
      ),
    ).toEqual([
      {
        n: ROW_COUNT,
        ids: String((ROW_COUNT * (ROW_COUNT - 1)) / 2),
        generations: 2 * (ROW_COUNT - ROW_COUNT / 5),
        with_metadata: ROW_COUNT - Math.ceil(ROW_COUNT / 11),
      },
    ]);
  });

  it("reads a middle slice through an AsyncBuffer without fetching the whole file", async () => {
    const ranges: [number, number][] = [];
    const file: AsyncBuffer = {
      byteLength: bytes.byteLength,
      slice(start, end = bytes.byteLength) {
        ranges.push([start, end]);
        return Promise.resolve(new Uint8Array(bytes.subarray(start, end)).buffer);
      },
    };
    const slice = await readParquetRowsFromAsyncBuffer(file, { rowStart: 4_990, rowEnd: 5_010 });
    expect(slice).toEqual(rows.slice(4_990, 5_010));

    const fetched = ranges.reduce((total, [start, end]) => total + (end - start), 0);
    // hyparquet fetches the footer (its first request is the last 512 KiB) plus the two row groups
    // holding rows 4,990-5,009 out of ten; the file is ~2.5 MB.
    expect(bytes.byteLength).toBeGreaterThan(2_000_000);
    expect(fetched).toBeLessThan(bytes.byteLength / 2);
    expect(ranges.some(([start, end]) => start === 0 && end === bytes.byteLength)).toBe(false);
  });

  it("reads the metadata through an AsyncBuffer", async () => {
    const metadata = await readParquetMetadataFromAsyncBuffer(bytes.slice().buffer);
    expect(metadata.numRows).toBe(ROW_COUNT);
    expect(metadata.columns).toEqual(["id", "text", "score", "generations", "distilabel_metadata"]);
  });
});
