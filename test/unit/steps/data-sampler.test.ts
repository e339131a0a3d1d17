import { describe, expect, it } from "vitest";
import type { Row } from "../../../src/core/row.js";
import { createDefaultRegistry } from "../../../src/default-registry.js";
import { OptionError } from "../../../src/errors.js";
import type { BaseStep } from "../../../src/steps/base-step.js";
import { testContext } from "../../support/test-context.js";
import { DataSampler, LoadDataFromDicts, makeGeneratorStep } from "../../../src/steps/builtin/index.js";

const data = Array.from({ length: 30 }, (_, i) => ({ sample: `sample ${i}`, index: i }));

async function drain(step: DataSampler, context = testContext()): Promise<{ batches: Row[][]; lastFlags: boolean[] }> {
  const batches: Row[][] = [];
  const lastFlags: boolean[] = [];
  let offset = 0;
  for (;;) {
    const { rows, lastBatch } = await step.generate(offset, context);
    batches.push(rows);
    lastFlags.push(lastBatch);
    offset += rows.length;
    if (lastBatch) return { batches, lastFlags };
  }
}

describe("DataSampler", () => {
  it("yields `samples` rows in batches, the last one flagged", async () => {
    const step = new DataSampler({ data, samples: 10, size: 2, batchSize: 4, seed: 1, pipeline: null });
    const { batches, lastFlags } = await drain(step);
    expect(batches.map((b) => b.length)).toEqual([4, 4, 2]);
    expect(lastFlags).toEqual([false, false, true]);
  });

  it("transposes `size` draws into lists per column, values taken from data", async () => {
    const step = new DataSampler({ data, samples: 20, size: 3, batchSize: 20, seed: 5, pipeline: null });
    const { rows } = await step.generate(0, testContext());
    expect(rows).toHaveLength(20);
    for (const row of rows) {
      expect(Object.keys(row)).toEqual(["sample", "index"]);
      const indices = row.index as number[];
      expect(indices).toHaveLength(3);
      expect(row.sample).toEqual(indices.map((i) => `sample ${i}`));
      for (const i of indices) expect(i >= 0 && i < 30).toBe(true);
    }
    // with replacement and at random: several distinct rows appear
    expect(new Set(rows.map((r) => JSON.stringify(r.index))).size).toBeGreaterThan(10);
  });

  it("draws with replacement, so one-row data repeats that row", async () => {
    const step = new DataSampler({ data: [{ a: 1 }], size: 3, samples: 2, seed: 0, pipeline: null });
    const { rows, lastBatch } = await step.generate(0, testContext());
    expect(rows).toEqual([{ a: [1, 1, 1] }, { a: [1, 1, 1] }]);
    expect(lastBatch).toBe(true);
  });

  it("produces the same rows for a resumed run, whatever the batch size", async () => {
    const whole = await new DataSampler({ data, samples: 12, batchSize: 12, seed: 9, pipeline: null }).generate(0, testContext());
    const step = new DataSampler({ data, samples: 12, batchSize: 5, seed: 9, pipeline: null });
    const resumed = await step.generate(5, testContext());
    expect(resumed.rows).toEqual(whole.rows.slice(5, 10));
    const { batches } = await drain(step);
    expect(batches.flat()).toEqual(whole.rows);
  });

  it("depends on the seed, and without one on the run id and step name", async () => {
    const make = (seed?: number) => new DataSampler({ data, samples: 8, batchSize: 8, seed, pipeline: null });
    const a = await make(1).generate(0, testContext());
    expect((await make(1).generate(0, testContext({ runId: "other" }))).rows).toEqual(a.rows);
    expect((await make(2).generate(0, testContext())).rows).not.toEqual(a.rows);
    const unseeded = make();
    const run1 = await unseeded.generate(0, testContext({ runId: "run-1" }));
    expect((await unseeded.generate(0, testContext({ runId: "run-1" }))).rows).toEqual(run1.rows);
    expect((await unseeded.generate(0, testContext({ runId: "run-2" }))).rows).not.toEqual(run1.rows);
    expect((await unseeded.generate(0, testContext({ runId: "run-1", stepName: "other" }))).rows).not.toEqual(run1.rows);
  });

  it("returns an empty last batch past the end", async () => {
    const step = new DataSampler({ data, samples: 3, seed: 1, pipeline: null });
    expect(await step.generate(3, testContext())).toEqual({ rows: [], lastBatch: true });
  });

  it("takes its columns from the first drawn row, null where a drawn row lacks one", async () => {
    const step = new DataSampler({ data: [{ a: 1, b: 2 }, { a: 3 }], size: 4, samples: 30, batchSize: 30, seed: 2, pipeline: null });
    const { rows } = await step.generate(0, testContext());
    for (const row of rows) {
      const keys = Object.keys(row);
      expect(keys[0]).toBe("a");
      if (keys.includes("b")) for (const [i, b] of (row.b as unknown[]).entries()) expect(b).toBe((row.a as number[])[i] === 1 ? 2 : null);
    }
    expect(rows.some((row) => "b" in row)).toBe(true);
    expect(rows.some((row) => !("b" in row))).toBe(true);
  });

  it("copies the sampled values, so changing an output row leaves data alone", async () => {
    const source = [{ nested: { x: 1 } }];
    const step = new DataSampler({ data: source, size: 1, samples: 1, seed: 1, pipeline: null });
    const { rows } = await step.generate(0, testContext());
    (rows[0]!.nested as Array<{ x: number }>)[0]!.x = 99;
    expect(source[0]?.nested.x).toBe(1);
  });

  it("outputs the keys of the first data row", () => {
    expect(new DataSampler({ data, pipeline: null }).outputs).toEqual(["sample", "index"]);
  });

  it("rejects empty data and non-positive size or samples", () => {
    expect(() => new DataSampler({ data: [], pipeline: null })).toThrow(OptionError);
    expect(() => new DataSampler({ data: [], pipeline: null })).toThrow("data needs at least one row");
    expect(() => new DataSampler({ data, size: 0, pipeline: null })).toThrow("invalid option 'size'");
    expect(() => new DataSampler({ data, samples: -1, pipeline: null })).toThrow("invalid option 'samples'");
  });

  it("dumps distilabel's attributes plus the seed and round-trips", () => {
    const step = new DataSampler({ data: [{ a: 1 }], size: 3, samples: 7, batchSize: 2, seed: 4, pipeline: null });
    expect(step.dump()).toMatchObject({
      name: "data_sampler_0",
      data: [{ a: 1 }],
      size: 3,
      samples: 7,
      batch_size: 2,
      seed: 4,
      type_info: { name: "DataSampler" },
    });
    expect(new DataSampler({ data, pipeline: null }).dump()).toMatchObject({ size: 2, samples: 100, seed: null });
    expect(createDefaultRegistry().load<BaseStep>(step.dump(), "step").dump()).toEqual(step.dump());
  });
});

describe("makeGeneratorStep", () => {
  it("wraps rows in a LoadDataFromDicts that yields them batch by batch", async () => {
    const step = makeGeneratorStep([{ a: 1 }, { a: 2 }, { a: 3 }], { batchSize: 2, pipeline: null });
    expect(step).toBeInstanceOf(LoadDataFromDicts);
    expect(await step.generate(0)).toEqual({ rows: [{ a: 1 }, { a: 2 }], lastBatch: false });
    expect(await step.generate(2)).toEqual({ rows: [{ a: 3 }], lastBatch: true });
    expect(step.outputs).toEqual(["a"]);
  });
});
