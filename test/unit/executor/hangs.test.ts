import { describe, expect, it } from "vitest";
import { createDefaultRegistry } from "../../../src/default-registry.js";
import { runInProcess } from "../../../src/executor/in-process-executor.js";
import { MemoryRunCache } from "../../../src/executor/run-cache.js";
import { Pipeline } from "../../../src/pipeline/pipeline.js";
import { defineRoutingBatchFunction } from "../../../src/pipeline/routing-batch-function.js";
import { LoadDataFromDicts } from "../../../src/steps/builtin/loaders/load-data-from-dicts.js";
import { defineStep } from "../../../src/steps/step-factory.js";

/** Issue 9's two hang shapes, end to end on the in-process runtime (runInProcess throws on any status but succeeded). */
describe("shapes that used to leave a run running for ever", () => {
  it("two generators of unequal length into one multi-input step", async () => {
    const Zip = defineStep({
      name: "Zip",
      multipleInputs: true,
      inputs: ["a", "b"],
      outputs: ["pair"],
      process: ([left, right]) => {
        const length = Math.max(left?.length ?? 0, right?.length ?? 0);
        return Array.from({ length }, (_, i) => ({ pair: `${String(left?.[i]?.a ?? "-")}|${String(right?.[i]?.b ?? "-")}` }));
      },
    });
    const pipeline = new Pipeline({ name: "unequal-generators" }).build(() => {
      const g = new LoadDataFromDicts({ name: "g", data: Array.from({ length: 3 }, (_, i) => ({ a: `g${i}` })), batchSize: 10 });
      const h = new LoadDataFromDicts({ name: "h", data: Array.from({ length: 100 }, (_, i) => ({ b: `h${i}` })), batchSize: 10 });
      const zip = new Zip({ name: "zip", inputBatchSize: 5 });
      g.connect(zip);
      h.connect(zip);
    });
    const { distiset, state } = await runInProcess(pipeline, { cache: new MemoryRunCache() });
    expect(state.status).toBe("succeeded");
    const pairs = distiset.rows().map((r) => r.pair);
    expect(pairs).toHaveLength(100);
    expect(pairs.slice(0, 4)).toEqual(["g0|h0", "g1|h1", "g2|h2", "-|h3"]);
    expect(pairs.at(-1)).toBe("-|h99");
  });

  it("a routed batch a filter emptied upstream of a join", async () => {
    const batchOneToT1 = defineRoutingBatchFunction(
      "batch_one_to_t1_in_process",
      () =>
        (steps, { seqNo }) =>
          [seqNo === 1 ? "t1" : "t2"].filter((s) => steps.includes(s)),
    );
    const registry = createDefaultRegistry().registerRouting(batchOneToT1);
    const DropBatchOne = defineStep({
      name: "DropBatchOne",
      inputs: ["n"],
      process: ([rows], _parameters, context) => (context.seqNo === 1 ? [] : (rows ?? [])),
    });
    const Tag = defineStep({
      name: "Tag",
      inputs: ["n"],
      outputs: ["tag"],
      process: ([rows], _p, context) => (rows ?? []).map((r) => ({ ...r, tag: context.stepName })),
    });
    const Join = defineStep({ name: "Join", multipleInputs: true, inputs: ["tag"], process: (inputs) => inputs.flat() });
    const pipeline = new Pipeline({ name: "emptied-routed-batch" }).build(() => {
      const load = new LoadDataFromDicts({ name: "load", data: Array.from({ length: 12 }, (_, n) => ({ n })), batchSize: 4 });
      const filter = new DropBatchOne({ name: "filter", inputBatchSize: 4 });
      const t1 = new Tag({ name: "t1", inputBatchSize: 4 });
      const t2 = new Tag({ name: "t2", inputBatchSize: 4 });
      const join = new Join({ name: "join", inputBatchSize: 4 });
      load.connect(filter);
      filter.connect(t1, t2, { routingBatchFunction: batchOneToT1({}) });
      t1.connect(join);
      t2.connect(join);
    });
    const { distiset, state } = await runInProcess(pipeline, { cache: new MemoryRunCache(), registry });
    expect(state.status).toBe("succeeded");
    expect(distiset.rows().map((r) => [r.n, r.tag])).toEqual([0, 1, 2, 3, 8, 9, 10, 11].map((n) => [n, "t2"]));
  });
});
