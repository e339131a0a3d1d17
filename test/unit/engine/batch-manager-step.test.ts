import { describe, expect, it } from "vitest";
import { createBatchManagerStep } from "../../../src/engine/batch-manager-step.js";
import { inputBatchRows } from "../../../src/engine/batch.js";
import { BatchManagerHarness, output, slicesOf } from "./batch-manager-harness.js";

const normal = (predecessors: string[], inputBatchSize: number) => ({ step: "step", predecessors, accumulate: false, inputBatchSize, convergenceStep: false });

describe("createBatchManagerStep", () => {
  it("starts with an empty buffer and seq_no pointers at 0 for every predecessor", () => {
    const state = createBatchManagerStep(normal(["a", "b"], 4));
    expect(state).toEqual({
      step: "step",
      accumulate: false,
      input_batch_size: 4,
      convergence_step: false,
      predecessors: ["a", "b"],
      data: { a: [], b: [] },
      seq_no: 0,
      last_batch_received: [],
      last_batch_built: false,
      next_expected_created_from_batch_seq_no: 0,
      next_expected_seq_no: { a: [0, 0], b: [0, 0] },
    });
  });

  it("copies the predecessor list instead of aliasing it", () => {
    const predecessors = ["a"];
    const state = createBatchManagerStep(normal(predecessors, 4));
    predecessors.push("b");
    expect(state.predecessors).toEqual(["a"]);
  });
});

describe.each([
  ["in memory", false],
  ["serialised after every transition", true],
])("batch manager step, %s", (_mode, roundTrip) => {
  describe("addBatch", () => {
    it("keeps each predecessor's buffer sorted by seq_no whatever the arrival order", () => {
      const h = new BatchManagerHarness(normal(["gen"], 100), roundTrip);
      h.add(output("gen", 2, 1), output("gen", 0, 1), output("gen", 1, 1));
      expect(h.state.data.gen?.map((b) => b.seq_no)).toEqual([0, 1, 2]);
    });

    it("ignores a batch whose seq_no is already buffered (a duplicate delivery)", () => {
      const h = new BatchManagerHarness(normal(["gen"], 4), roundTrip);
      h.add(output("gen", 0, 3), output("gen", 0, 3));
      expect(h.state.data.gen).toHaveLength(1);
      expect(h.get()).toBeNull();
    });

    it("rejects a batch from a step that is not a predecessor", () => {
      const h = new BatchManagerHarness(normal(["gen"], 4), roundTrip);
      expect(() => h.add(output("other", 0, 3))).toThrow("Step 'step' has no predecessor 'other'");
    });

    it("records a predecessor's last batch once", () => {
      const h = new BatchManagerHarness(normal(["gen"], 4), roundTrip);
      h.add(output("gen", 0, 2, { last: true }), output("gen", 0, 2, { last: true }));
      expect(h.state.last_batch_received).toEqual(["gen"]);
    });

    it("stores a copy, so later changes to the caller's batch do not leak into the state", () => {
      const h = new BatchManagerHarness(normal(["gen"], 4), roundTrip);
      const batch = output("gen", 0, 2, { createdFrom: { x: [[0, 2, 2]] }, routedTo: ["step"] });
      h.add(batch);
      batch.created_from.x?.push([1, 1, 1]);
      batch.batch_routed_to.push("other");
      batch.size = 99;
      expect(h.state.data.gen?.[0]).toMatchObject({ size: 2, created_from: { x: [[0, 2, 2]] }, batch_routed_to: ["step"] });
    });
  });

  describe("getBatch on a normal step", () => {
    it("waits while a predecessor that has not finished has fewer than input_batch_size rows", () => {
      const h = new BatchManagerHarness(normal(["gen"], 5), roundTrip);
      h.add(output("gen", 0, 3));
      expect(h.get()).toBeNull();
      h.add(output("gen", 1, 3));
      expect(slicesOf(h.get()!)).toEqual({
        gen: [
          [0, 0, 3],
          [1, 0, 2],
        ],
      });
      expect(h.get()).toBeNull();
    });

    it("builds nothing from a later batch until the missing earlier seq_no arrives", () => {
      const h = new BatchManagerHarness(normal(["gen"], 5), roundTrip);
      h.add(output("gen", 1, 5));
      expect(h.get()).toBeNull();
      h.add(output("gen", 2, 5));
      expect(h.get()).toBeNull();
      h.add(output("gen", 0, 5));
      const built = h.drain();
      expect(built.map(slicesOf)).toEqual([{ gen: [[0, 0, 5]] }, { gen: [[1, 0, 5]] }, { gen: [[2, 0, 5]] }]);
      expect(built.map((b) => b.seq_no)).toEqual([0, 1, 2]);
    });

    it("waits for a missing seq_no even when the predecessor's last batch already arrived", () => {
      const h = new BatchManagerHarness(normal(["gen"], 5), roundTrip);
      h.add(output("gen", 0, 3), output("gen", 2, 2, { last: true }));
      expect(h.get()).toBeNull();
      h.add(output("gen", 1, 4));
      const built = h.drain();
      expect(built.map(slicesOf)).toEqual([
        {
          gen: [
            [0, 0, 3],
            [1, 0, 2],
          ],
        },
        {
          gen: [
            [1, 2, 4],
            [2, 0, 2],
          ],
        },
      ]);
      expect(built.map((b) => b.last_batch)).toEqual([false, true]);
    });

    it("does not build an empty last batch while an earlier seq_no is still missing", () => {
      const h = new BatchManagerHarness(normal(["gen"], 5), roundTrip);
      h.add(output("gen", 0, 5));
      expect(slicesOf(h.get()!)).toEqual({ gen: [[0, 0, 5]] });
      h.add(output("gen", 2, 0, { last: true }));
      expect(h.get()).toBeNull();
      h.add(output("gen", 1, 1));
      const last = h.get()!;
      expect(slicesOf(last)).toEqual({ gen: [[1, 0, 1]] });
      expect(last.last_batch).toBe(true);
      expect(h.get()).toBeNull();
    });

    it("does not flag a batch last while a batch before the predecessor's last one is missing", () => {
      const h = new BatchManagerHarness(normal(["gen"], 5), roundTrip);
      h.add(output("gen", 0, 5), output("gen", 2, 0, { last: true }));
      const first = h.get()!;
      expect(slicesOf(first)).toEqual({ gen: [[0, 0, 5]] });
      expect(first.last_batch).toBe(false);
      expect(h.get()).toBeNull();
      h.add(output("gen", 1, 2));
      const last = h.get()!;
      expect(slicesOf(last)).toEqual({ gen: [[1, 0, 2]] });
      expect(last.last_batch).toBe(true);
    });

    it("regroups source batches to input_batch_size and records (seq_no, size, rows_used) triples", () => {
      const h = new BatchManagerHarness(normal(["gen"], 5), roundTrip);
      h.add(output("gen", 0, 3), output("gen", 1, 3), output("gen", 2, 3), output("gen", 3, 1, { last: true }));
      const built = h.drain();
      expect(built.map(slicesOf)).toEqual([
        {
          gen: [
            [0, 0, 3],
            [1, 0, 2],
          ],
        },
        {
          gen: [
            [1, 2, 3],
            [2, 0, 3],
            [3, 0, 1],
          ],
        },
      ]);
      expect(built.map((b) => b.created_from)).toEqual([
        {
          gen: [
            [0, 3, 3],
            [1, 3, 2],
          ],
        },
        {
          gen: [
            [1, 3, 1],
            [2, 3, 3],
            [3, 1, 1],
          ],
        },
      ]);
      expect(built.map((b) => [b.seq_no, b.last_batch, b.accumulated])).toEqual([
        [0, false, false],
        [1, true, false],
      ]);
      expect(built.map(inputBatchRows)).toEqual([5, 5]);
    });

    it("splits a large source batch into several input batches and keeps the remainder", () => {
      const h = new BatchManagerHarness(normal(["gen"], 4), roundTrip);
      h.add(output("gen", 0, 10));
      expect(h.drain().map(slicesOf)).toEqual([{ gen: [[0, 0, 4]] }, { gen: [[0, 4, 8]] }]);
      expect(h.state.data.gen).toEqual([expect.objectContaining({ seq_no: 0, size: 10, consumed: 8 })]);
      expect(h.state.next_expected_seq_no.gen).toEqual([0, 0]);
      h.add(output("gen", 1, 3, { last: true }));
      const rest = h.drain();
      expect(rest.map(slicesOf)).toEqual([
        {
          gen: [
            [0, 8, 10],
            [1, 0, 2],
          ],
        },
        { gen: [[1, 2, 3]] },
      ]);
      expect(rest.map((b) => b.last_batch)).toEqual([false, true]);
      expect(h.state.next_expected_seq_no.gen).toEqual([2, 2]);
    });

    it("aligns multi-input batches by position when predecessors have batch sizes 7 and 5 (input_batch_size 4)", () => {
      const h = new BatchManagerHarness(normal(["a", "b"], 4), roundTrip);
      h.add(output("a", 0, 7), output("b", 0, 5));
      const first = h.drain();
      expect(first.map(slicesOf)).toEqual([{ a: [[0, 0, 4]], b: [[0, 0, 4]] }]);
      // a has 3 rows left, b 1: neither has finished, so no batch yet.
      h.add(output("b", 1, 5));
      expect(h.get()).toBeNull();
      h.add(output("a", 1, 7, { last: true }));
      const second = h.drain();
      expect(second.map(slicesOf)).toEqual([
        {
          a: [
            [0, 4, 7],
            [1, 0, 1],
          ],
          b: [
            [0, 4, 5],
            [1, 0, 3],
          ],
        },
      ]);
      // a finished with 6 rows left, b has 2 and has not finished.
      expect(h.get()).toBeNull();
      h.add(output("b", 2, 4, { last: true }));
      const rest = h.drain();
      expect(rest.map(slicesOf)).toEqual([
        {
          a: [[1, 1, 5]],
          b: [
            [1, 3, 5],
            [2, 0, 2],
          ],
        },
        { a: [[1, 5, 7]], b: [[2, 2, 4]] },
      ]);
      const all = [...first, ...second, ...rest];
      expect(all.map((b) => b.seq_no)).toEqual([0, 1, 2, 3]);
      expect(all.map((b) => b.last_batch)).toEqual([false, false, false, true]);
      expect(all.map((b) => b.created_from)).toEqual([
        { a: [[0, 7, 4]], b: [[0, 5, 4]] },
        {
          a: [
            [0, 7, 3],
            [1, 7, 1],
          ],
          b: [
            [0, 5, 1],
            [1, 5, 3],
          ],
        },
        {
          a: [[1, 7, 4]],
          b: [
            [1, 5, 2],
            [2, 4, 2],
          ],
        },
        { a: [[1, 7, 2]], b: [[2, 4, 2]] },
      ]);
      for (const batch of all) {
        const [a, b] = batch.data;
        expect(a?.from).toBe("a");
        expect(b?.from).toBe("b");
      }
      expect(h.get()).toBeNull();
    });

    it("hands out what is left of unequal predecessors once all of them have finished", () => {
      const h = new BatchManagerHarness(normal(["a", "b"], 4), roundTrip);
      h.add(output("a", 0, 6, { last: true }), output("b", 0, 4, { last: true }));
      const built = h.drain();
      expect(built.map(slicesOf)).toEqual([
        { a: [[0, 0, 4]], b: [[0, 0, 4]] },
        { a: [[0, 4, 6]], b: [] },
      ]);
      expect(built.map((b) => b.last_batch)).toEqual([false, true]);
    });

    it("goes on with the other predecessor once a finished one ran dry (a short generator beside a long one)", () => {
      // g: 3 rows in one last batch; h: batches of 10 rows; input_batch_size 5 (issue 9's first hang).
      const h = new BatchManagerHarness(normal(["g", "h"], 5), roundTrip);
      h.add(output("g", 0, 3, { last: true }), output("h", 0, 10));
      expect(h.drain().map(slicesOf)).toEqual([
        { g: [[0, 0, 3]], h: [[0, 0, 5]] },
        { g: [], h: [[0, 5, 10]] },
      ]);
      // h's buffer ran low, so the engine asks its generator for more.
      expect(h.emptyBuffers()).toEqual(["h"]);
      h.add(output("h", 1, 10, { last: true }));
      const rest = h.drain();
      expect(rest.map(slicesOf)).toEqual([
        { g: [], h: [[1, 0, 5]] },
        { g: [], h: [[1, 5, 10]] },
      ]);
      expect(rest.map((b) => b.last_batch)).toEqual([false, true]);
    });

    it("waits for a predecessor with no rows left that has not finished", () => {
      const h = new BatchManagerHarness(normal(["a", "b"], 2), roundTrip);
      h.add(output("a", 0, 2), output("b", 0, 2));
      expect(h.drain()).toHaveLength(1);
      h.add(output("a", 1, 2, { last: true }));
      expect(h.get()).toBeNull();
    });

    it("flags the last batch and builds nothing after it", () => {
      const h = new BatchManagerHarness(normal(["gen"], 2), roundTrip);
      h.add(output("gen", 0, 3, { last: true }));
      const built = h.drain();
      expect(built.map((b) => [b.seq_no, b.last_batch])).toEqual([
        [0, false],
        [1, true],
      ]);
      expect(h.state.last_batch_built).toBe(true);
      // Nothing can come after the last batch, even if a stray batch arrives.
      h.add(output("gen", 1, 2));
      expect(h.get()).toBeNull();
    });

    it("builds an empty batch flagged last when every predecessor finished with no rows left", () => {
      const h = new BatchManagerHarness(normal(["a", "b"], 5), roundTrip);
      h.add(output("a", 0, 5), output("b", 0, 5));
      expect(h.get()?.last_batch).toBe(false);
      h.add(output("a", 1, 0, { last: true }));
      expect(h.get()).toBeNull();
      h.add(output("b", 1, 0, { last: true }));
      const last = h.get();
      expect(last).toEqual({
        step: "step",
        seq_no: 1,
        last_batch: true,
        accumulated: false,
        data: [
          { from: "a", slices: [] },
          { from: "b", slices: [] },
        ],
        created_from: {},
        batch_routed_to: [],
      });
      expect(h.get()).toBeNull();
    });

    it("copies batch_routed_to from the source batch", () => {
      const h = new BatchManagerHarness(normal(["router"], 2), roundTrip);
      h.add(output("router", 0, 2, { routedTo: ["step", "other"] }));
      expect(h.get()?.batch_routed_to).toEqual(["step", "other"]);
    });
  });

  describe("setNextExpectedSeqNo (successors a routed batch skipped)", () => {
    it("moves the pointer straight to the next seq_no when nothing is buffered", () => {
      const h = new BatchManagerHarness(normal(["router"], 2), roundTrip);
      h.skip("router", 1);
      expect(h.state.next_expected_seq_no.router).toEqual([1, 1]);
      h.add(output("router", 1, 2));
      expect(slicesOf(h.get()!)).toEqual({ router: [[1, 0, 2]] });
      expect(h.state.next_expected_seq_no.router).toEqual([2, 2]);
    });

    it("keeps the pointer on a buffered batch and remembers the candidate until it is consumed", () => {
      const h = new BatchManagerHarness(normal(["router"], 4), roundTrip);
      h.add(output("router", 0, 2));
      h.skip("router", 2);
      expect(h.state.next_expected_seq_no.router).toEqual([0, 2]);
      h.skip("router", 3);
      expect(h.state.next_expected_seq_no.router).toEqual([0, 3]);
      h.add(output("router", 3, 2));
      // seq_no 1 and 2 went elsewhere: seq_no 0 and 3 are consecutive for this step.
      const batch = h.get()!;
      expect(slicesOf(batch)).toEqual({
        router: [
          [0, 0, 2],
          [3, 0, 2],
        ],
      });
      expect(h.state.next_expected_seq_no.router).toEqual([4, 4]);
    });

    it("jumps to the candidate once the batches before it are consumed", () => {
      const h = new BatchManagerHarness(normal(["router"], 2), roundTrip);
      h.add(output("router", 0, 2));
      h.skip("router", 2);
      expect(slicesOf(h.get()!)).toEqual({ router: [[0, 0, 2]] });
      expect(h.state.next_expected_seq_no.router).toEqual([2, 2]);
      h.add(output("router", 2, 2, { last: true }));
      const last = h.get()!;
      expect(slicesOf(last)).toEqual({ router: [[2, 0, 2]] });
      expect(last.last_batch).toBe(true);
    });

    it("still waits for a later batch the routing did not skip", () => {
      const h = new BatchManagerHarness(normal(["router"], 2), roundTrip);
      h.skip("router", 1);
      h.add(output("router", 2, 2));
      expect(h.get()).toBeNull();
    });
  });

  describe("emptyBuffers", () => {
    it("lists the unfinished predecessors whose buffer holds fewer than input_batch_size rows", () => {
      const h = new BatchManagerHarness(normal(["a", "b", "c"], 4), roundTrip);
      h.add(output("a", 0, 5), output("b", 0, 2), output("c", 0, 1, { last: true }));
      expect(h.emptyBuffers()).toEqual(["b"]);
    });

    it("lists every unfinished predecessor of a global step", () => {
      const h = new BatchManagerHarness({ ...normal(["a", "b"], 4), accumulate: true }, roundTrip);
      h.add(output("a", 0, 50), output("b", 0, 1, { last: true }));
      expect(h.emptyBuffers()).toEqual(["a"]);
    });
  });

  describe("getBatch on a global step (accumulate)", () => {
    const global = { step: "global", predecessors: ["a", "b"], accumulate: true, inputBatchSize: 2, convergenceStep: false };

    it("builds nothing until every predecessor has sent its last batch, whatever the row count", () => {
      const h = new BatchManagerHarness(global, roundTrip);
      h.add(output("a", 0, 10), output("a", 1, 10, { last: true }), output("b", 0, 10));
      expect(h.get()).toBeNull();
      h.add(output("b", 1, 3, { last: true }));
      const batch = h.get()!;
      expect(batch).toMatchObject({ step: "global", seq_no: 0, last_batch: true, accumulated: true, batch_routed_to: [] });
      expect(slicesOf(batch)).toEqual({
        a: [
          [0, 0, 10],
          [1, 0, 10],
        ],
        b: [
          [0, 0, 10],
          [1, 0, 3],
        ],
      });
      expect(batch.created_from).toEqual({
        a: [
          [0, 10, 10],
          [1, 10, 10],
        ],
        b: [
          [0, 10, 10],
          [1, 3, 3],
        ],
      });
      expect(h.get()).toBeNull();
      expect(h.state.data).toEqual({ a: [], b: [] });
    });

    it("builds a single last batch even when the predecessors sent no rows", () => {
      const h = new BatchManagerHarness(global, roundTrip);
      h.add(output("a", 0, 0, { last: true }), output("b", 0, 0, { last: true }));
      const batch = h.get()!;
      expect(batch.last_batch).toBe(true);
      expect(inputBatchRows(batch)).toBe(0);
      expect(h.get()).toBeNull();
    });
  });
});

describe("save and load", () => {
  /** A long mixed scenario; returns every observable result. */
  function scenario(roundTrip: boolean): unknown[] {
    const h = new BatchManagerHarness(normal(["a", "b"], 3), roundTrip);
    const trace: unknown[] = [];
    const arrivals = [
      output("b", 1, 4),
      output("a", 0, 2),
      output("a", 2, 5),
      output("b", 0, 4),
      output("a", 1, 5),
      output("b", 2, 1, { last: true }),
      output("a", 3, 0, { last: true }),
    ];
    for (const batch of arrivals) {
      h.add(batch);
      trace.push(h.emptyBuffers(), h.drain());
    }
    trace.push(h.state);
    return trace;
  }

  it("gives the same batches, buffers and state when the state is JSON round-tripped after every transition", () => {
    const plain = scenario(false);
    const serialised = scenario(true);
    expect(serialised).toEqual(plain);
    const built = plain.filter((x) => Array.isArray(x) && x.length > 0 && typeof x[0] === "object").flat() as Array<{ last_batch: boolean }>;
    expect(built.length).toBeGreaterThan(3);
    expect(built.at(-1)?.last_batch).toBe(true);
  });
});
