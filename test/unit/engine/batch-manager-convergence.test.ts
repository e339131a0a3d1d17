import { describe, expect, it } from "vitest";
import { BatchManagerHarness, output, slicesOf } from "./batch-manager-harness.js";

/**
 * gen (batch_size 4) routes each batch to some of t1..t4 (input_batch_size 2), which all feed
 * the convergence step `combine` (input_batch_size 2).
 */
const combine = (predecessors = ["t1", "t2", "t3"]) => ({ step: "combine", predecessors, accumulate: false, inputBatchSize: 2, convergenceStep: true });

/** An output of a routed step made from `used` rows of upstream batch `upstream` (4 rows). */
function fragment(step: string, seqNo: number, size: number, options: { upstream: number; used?: number; routedTo: string[]; last?: boolean }) {
  return output(step, seqNo, size, {
    createdFrom: { gen: [[options.upstream, 4, options.used ?? 2]] },
    routedTo: options.routedTo,
    last: options.last ?? false,
  });
}

/** The output of a routed step's empty last batch (it was skipped for the final upstream batch). */
const emptyLast = (step: string, seqNo: number) => output(step, seqNo, 0, { last: true });

describe.each([
  ["in memory", false],
  ["serialised after every transition", true],
])("convergence step, %s", (_mode, roundTrip) => {
  it("re-joins routed batches by their original upstream batch, in upstream order", () => {
    const h = new BatchManagerHarness(combine(), roundTrip);
    const g0 = ["t1", "t2"];
    const g1 = ["t2", "t3"];
    // t3 only took part in group 1 and finished first: nothing may be built before group 0.
    // (Each step's own outputs reach the step in seq order: the engine applies them in order.)
    h.add(fragment("t3", 0, 2, { upstream: 1, routedTo: g1 }), fragment("t3", 1, 2, { upstream: 1, routedTo: g1, last: true }));
    expect(h.get()).toBeNull();
    h.add(fragment("t1", 0, 2, { upstream: 0, routedTo: g0 }));
    // t2 has not delivered its part of group 0 yet.
    expect(h.get()).toBeNull();
    h.add(fragment("t2", 0, 2, { upstream: 0, routedTo: g0 }));
    const first = h.get()!;
    expect(first).toMatchObject({ step: "combine", seq_no: 0, last_batch: false, accumulated: false, batch_routed_to: [] });
    expect(slicesOf(first)).toEqual({ t1: [[0, 0, 2]], t2: [[0, 0, 2]] });
    expect(first.created_from).toEqual({ t1: [[0, 2, 2]], t2: [[0, 2, 2]] });
    expect(h.get()).toBeNull();
    expect(h.state.next_expected_created_from_batch_seq_no).toBe(0);

    h.add(
      fragment("t1", 1, 2, { upstream: 0, routedTo: g0 }),
      fragment("t2", 1, 2, { upstream: 0, routedTo: g0 }),
      fragment("t2", 2, 2, { upstream: 1, routedTo: g1 }),
    );
    expect(h.drain().map(slicesOf)).toEqual([
      { t1: [[1, 0, 2]], t2: [[1, 0, 2]] },
      { t2: [[2, 0, 2]], t3: [[0, 0, 2]] },
    ]);
    expect(h.state.next_expected_created_from_batch_seq_no).toBe(1);
    h.add(fragment("t2", 3, 2, { upstream: 1, routedTo: g1, last: true }));
    // t1 was skipped for the final upstream batch: until it reports its (empty) last batch, the
    // final batch is built but cannot be known to be the last one.
    expect(h.drain().map(slicesOf)).toEqual([{ t2: [[3, 0, 2]], t3: [[1, 0, 2]] }]);
    expect(h.built.at(-1)?.last_batch).toBe(false);
    h.add(emptyLast("t1", 2));
    const last = h.get()!;
    expect(last).toMatchObject({ seq_no: 4, last_batch: true, created_from: {} });
    expect(slicesOf(last)).toEqual({ t1: [], t2: [], t3: [] });
    expect(h.built.map((b) => [b.seq_no, b.last_batch])).toEqual([
      [0, false],
      [1, false],
      [2, false],
      [3, false],
      [4, true],
    ]);
    expect(h.state.next_expected_created_from_batch_seq_no).toBe(2);
    expect(h.get()).toBeNull();
  });

  it("completes a group whose routed steps produce two rows per input row", () => {
    const h = new BatchManagerHarness(combine(["t1", "t2"]), roundTrip);
    const g0 = ["t1", "t2"];
    // Each routed step read 2 of the 4 upstream rows and wrote 4 rows.
    h.add(fragment("t1", 0, 4, { upstream: 0, routedTo: g0 }), fragment("t2", 0, 4, { upstream: 0, routedTo: g0 }));
    const first = h.drain();
    expect(first.map(slicesOf)).toEqual([
      { t1: [[0, 0, 2]], t2: [[0, 0, 2]] },
      { t1: [[0, 2, 4]], t2: [[0, 2, 4]] },
    ]);
    // Only half of upstream batch 0 has been delivered: the group is not done.
    expect(h.state.next_expected_created_from_batch_seq_no).toBe(0);
    expect(h.get()).toBeNull();
    h.add(fragment("t1", 1, 4, { upstream: 0, routedTo: g0 }), fragment("t2", 1, 4, { upstream: 0, routedTo: g0 }));
    const second = h.drain();
    expect(second.map(slicesOf)).toEqual([
      { t1: [[1, 0, 2]], t2: [[1, 0, 2]] },
      { t1: [[1, 2, 4]], t2: [[1, 2, 4]] },
    ]);
    expect(h.state.next_expected_created_from_batch_seq_no).toBe(1);
    // The next group is built right away: the previous one did not stall.
    h.add(fragment("t1", 2, 4, { upstream: 1, routedTo: g0, last: true }), fragment("t2", 2, 4, { upstream: 1, routedTo: g0, last: true }));
    const third = h.drain();
    expect(third.map(slicesOf)).toEqual([
      { t1: [[2, 0, 2]], t2: [[2, 0, 2]] },
      { t1: [[2, 2, 4]], t2: [[2, 2, 4]] },
    ]);
    expect(third.map((b) => b.last_batch)).toEqual([false, true]);
    expect([...first, ...second, ...third].map((b) => b.seq_no)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("completes a group when a routed step filtered out every row of its part", () => {
    const h = new BatchManagerHarness(combine(["t1", "t2"]), roundTrip);
    const g0 = ["t1", "t2"];
    h.add(
      fragment("t1", 0, 0, { upstream: 0, used: 4, routedTo: g0 }),
      fragment("t2", 0, 2, { upstream: 0, routedTo: g0 }),
      fragment("t2", 1, 2, { upstream: 0, routedTo: g0 }),
    );
    const built = h.drain();
    expect(built.map(slicesOf)).toEqual([
      { t1: [], t2: [[0, 0, 2]] },
      { t1: [], t2: [[1, 0, 2]] },
    ]);
    expect(h.state.next_expected_created_from_batch_seq_no).toBe(1);
  });

  it("skips an upstream batch no routed step ever names once every routed step finished", () => {
    // Upstream batch 1 was emptied by a filter and routed to t1 alone: t1 never built a batch
    // from it, so no fragment of group 1 exists (issue 9's second hang).
    const h = new BatchManagerHarness(combine(["t1", "t2"]), roundTrip);
    h.add(fragment("t2", 0, 4, { upstream: 0, used: 4, routedTo: ["t2"] }));
    expect(h.drain().map(slicesOf)).toEqual([{ t2: [[0, 0, 2]] }, { t2: [[0, 2, 4]] }]);
    h.add(fragment("t2", 1, 4, { upstream: 2, used: 4, routedTo: ["t2"], last: true }));
    // t1 may still deliver group 1: nothing from group 2 yet.
    expect(h.get()).toBeNull();
    h.add(emptyLast("t1", 0));
    const built = h.drain();
    expect(built.map(slicesOf)).toEqual([{ t2: [[1, 0, 2]] }, { t2: [[1, 2, 4]] }]);
    expect(built.at(-1)?.last_batch).toBe(true);
    expect(h.get()).toBeNull();
  });

  it("does not flag a batch last because the steps of an earlier group finished without the final upstream batch", () => {
    const h = new BatchManagerHarness(combine(["t1", "t2", "t3", "t4"]), roundTrip);
    const g0 = ["t1", "t3"];
    const g1 = ["t2", "t4"];
    // Upstream batch 1 (the last) went to t2 and t4: t1 and t3 ended with an empty last batch.
    h.add(
      fragment("t1", 0, 2, { upstream: 0, routedTo: g0 }),
      fragment("t1", 1, 2, { upstream: 0, routedTo: g0 }),
      emptyLast("t1", 2),
      fragment("t3", 0, 2, { upstream: 0, routedTo: g0 }),
      fragment("t3", 1, 2, { upstream: 0, routedTo: g0 }),
      emptyLast("t3", 2),
    );
    const first = h.drain();
    expect(first.map(slicesOf)).toEqual([
      { t1: [[0, 0, 2]], t3: [[0, 0, 2]] },
      { t1: [[1, 0, 2]], t3: [[1, 0, 2]] },
    ]);
    expect(first.map((b) => b.last_batch)).toEqual([false, false]);
    expect(h.get()).toBeNull();
    h.add(
      fragment("t2", 0, 2, { upstream: 1, routedTo: g1 }),
      fragment("t2", 1, 2, { upstream: 1, routedTo: g1, last: true }),
      fragment("t4", 0, 2, { upstream: 1, routedTo: g1 }),
      fragment("t4", 1, 2, { upstream: 1, routedTo: g1, last: true }),
    );
    const second = h.drain();
    expect(second.map(slicesOf)).toEqual([
      { t2: [[0, 0, 2]], t4: [[0, 0, 2]] },
      { t2: [[1, 0, 2]], t4: [[1, 0, 2]] },
    ]);
    expect(second.map((b) => b.last_batch)).toEqual([false, true]);
    expect(h.get()).toBeNull();
  });

  it("does not flag the batches of an earlier group last when its steps' own last batches are in it", () => {
    const h = new BatchManagerHarness(combine(["t1", "t2", "t3", "t4"]), roundTrip);
    const g0 = ["t1", "t3"];
    const g1 = ["t2", "t4"];
    // t1 and t3 still held rows of upstream batch 0 when the final batch skipped them, so their
    // last batches belong to group 0.
    h.add(
      fragment("t1", 0, 2, { upstream: 0, routedTo: g0 }),
      fragment("t1", 1, 2, { upstream: 0, routedTo: g0, last: true }),
      fragment("t3", 0, 2, { upstream: 0, routedTo: g0 }),
      fragment("t3", 1, 2, { upstream: 0, routedTo: g0, last: true }),
    );
    expect(h.drain().map((b) => b.last_batch)).toEqual([false, false]);
    h.add(fragment("t2", 0, 4, { upstream: 1, used: 4, routedTo: g1, last: true }), fragment("t4", 0, 4, { upstream: 1, used: 4, routedTo: g1, last: true }));
    const final = h.drain();
    expect(final.map(slicesOf)).toEqual([
      { t2: [[0, 0, 2]], t4: [[0, 0, 2]] },
      { t2: [[0, 2, 4]], t4: [[0, 2, 4]] },
    ]);
    expect(final.map((b) => b.last_batch)).toEqual([false, true]);
  });

  it("builds an empty last batch once every routed step finished and no group is left", () => {
    const h = new BatchManagerHarness(combine(), roundTrip);
    const g0 = ["t1", "t2"];
    h.add(fragment("t1", 0, 4, { upstream: 0, used: 4, routedTo: g0 }), fragment("t2", 0, 4, { upstream: 0, used: 4, routedTo: g0 }));
    expect(h.drain().map((b) => b.last_batch)).toEqual([false, false]);
    // The final upstream batch was empty: every routed step ends with an empty last batch.
    h.add(emptyLast("t1", 1), emptyLast("t2", 1));
    expect(h.get()).toBeNull();
    h.add(emptyLast("t3", 0));
    const last = h.get();
    expect(last).toEqual({
      step: "combine",
      seq_no: 2,
      last_batch: true,
      accumulated: false,
      data: [
        { from: "t1", slices: [] },
        { from: "t2", slices: [] },
        { from: "t3", slices: [] },
      ],
      created_from: {},
      batch_routed_to: [],
    });
    expect(h.get()).toBeNull();
  });

  it("ends with an empty last batch when the final group's last fragments arrive after its rows were taken", () => {
    const h = new BatchManagerHarness(combine(["t1", "t2"]), roundTrip);
    const g0 = ["t1", "t2"];
    h.add(fragment("t1", 0, 2, { upstream: 0, routedTo: g0 }), fragment("t2", 0, 2, { upstream: 0, routedTo: g0 }));
    expect(h.drain()).toHaveLength(1);
    // The second halves were filtered to nothing and are the routed steps' last batches.
    h.add(fragment("t1", 1, 0, { upstream: 0, routedTo: g0, last: true }), fragment("t2", 1, 0, { upstream: 0, routedTo: g0, last: true }));
    const last = h.get()!;
    expect(last.last_batch).toBe(true);
    expect(slicesOf(last)).toEqual({ t1: [], t2: [] });
    expect(h.get()).toBeNull();
  });
});
