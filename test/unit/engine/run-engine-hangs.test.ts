import { describe, expect, it } from "vitest";
import { createDefaultRegistry } from "../../../src/default-registry.js";
import { defineRoutingBatchFunction } from "../../../src/pipeline/routing-batch-function.js";
import { EngineSim, dagSpec, dagStep, plan, type Behaviour } from "./engine-sim.js";

/** Regressions of issue 9: shapes that left a run `running` with nothing in flight. */
describe("runs that used to hang", () => {
  it("finishes two generators of unequal length feeding one multi-input step (the shorter one first)", () => {
    const p = plan(
      dagSpec(
        [dagStep("g", "generator", { batchSize: 10 }), dagStep("h", "generator", { batchSize: 10 }), dagStep("s", "normal", { inputBatchSize: 5 })],
        [
          ["g", "s"],
          ["h", "s"],
        ],
      ),
    );
    const sim = new EngineSim(p, { generators: { g: 3, h: 100 } });
    sim.start();
    sim.runAll();
    expect(sim.state.status).toBe("succeeded");
    const rows = sim.dataset();
    expect(rows).toHaveLength(100);
    // The first batch zips g's 3 rows with h's first 5; afterwards h's rows go on alone.
    expect(rows.slice(0, 5)).toEqual(["s(g:0|h:0)", "s(g:1|h:1)", "s(g:2|h:2)", "s(-|h:3)", "s(-|h:4)"]);
    expect(rows.at(-1)).toBe("s(-|h:99)");
  });

  it("finishes when a filter emptied the batch a routing function sent to one branch of a join", () => {
    const firstToT1 = defineRoutingBatchFunction(
      "batch_one_to_t1",
      () =>
        (steps, { seqNo }) =>
          [seqNo === 1 ? "t1" : "t2"].filter((s) => steps.includes(s)),
    );
    const registry = createDefaultRegistry().registerRouting(firstToT1);
    const dropBatchOne: Behaviour = (inputs, { seqNo }) => (seqNo === 1 ? [] : (inputs[0] ?? []).map((row) => `f(${row})`));
    const p = plan(
      dagSpec(
        [
          dagStep("load", "generator", { batchSize: 4 }),
          dagStep("filter", "normal", { inputBatchSize: 4 }),
          dagStep("t1", "normal", { inputBatchSize: 4 }),
          dagStep("t2", "normal", { inputBatchSize: 4 }),
          dagStep("join", "normal", { inputBatchSize: 4 }),
        ],
        [
          ["load", "filter"],
          ["filter", "t1"],
          ["filter", "t2"],
          ["t1", "join"],
          ["t2", "join"],
        ],
        { filter: { typeName: "batch_one_to_t1", kwargs: {} } },
      ),
    );
    expect(p.steps.join?.convergence).toBe(true);
    const sim = new EngineSim(p, { generators: { load: 12 }, behaviours: { filter: dropBatchOne }, registry });
    sim.start();
    sim.runAll();
    expect(sim.state.status).toBe("succeeded");
    expect(sim.dataset()).toEqual([0, 1, 2, 3, 8, 9, 10, 11].map((i) => `join(t2(f(load:${i})))`));
  });
});
