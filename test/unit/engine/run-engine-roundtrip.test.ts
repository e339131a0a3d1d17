import { describe, expect, it } from "vitest";
import type { RunPlan } from "../../../src/engine/run-plan.js";
import { EngineSim, dagSpec, dagStep, plan } from "./engine-sim.js";

const tasks = ["t1", "t2", "t3"];

const scenarios: Record<string, { plan: () => RunPlan; rows: number; drive: (sim: EngineSim) => void }> = {
  "a branching run with reports in random order": {
    plan: () =>
      plan(
        dagSpec(
          [dagStep("gen", "generator", { batchSize: 5 }), dagStep("a", "normal", { inputBatchSize: 3 }), dagStep("b", "normal", { inputBatchSize: 7 })],
          [
            ["gen", "a"],
            ["gen", "b"],
          ],
        ),
        { maxRowsPerFile: 4 },
      ),
    rows: 23,
    drive: (sim) => sim.runAll({ random: "order" }),
  },
  "routing into a convergence step": {
    plan: () =>
      plan(
        dagSpec(
          [
            dagStep("gen", "generator", { batchSize: 4 }),
            ...tasks.map((t) => dagStep(t, "normal", { inputBatchSize: 2 })),
            dagStep("combine", "normal", { inputBatchSize: 2 }),
          ],
          [...tasks.map((t) => ["gen", t] as [string, string]), ...tasks.map((t) => [t, "combine"] as [string, string])],
          { gen: { typeName: "sample_n_steps", kwargs: { n: 2 } } },
        ),
      ),
    rows: 18,
    drive: (sim) => sim.runAll({ random: "routing" }),
  },
  "a global step in a second stage": {
    plan: () =>
      plan(
        dagSpec(
          [dagStep("gen", "generator", { batchSize: 3 }), dagStep("a", "normal", { inputBatchSize: 2 }), dagStep("global", "global")],
          [
            ["gen", "a"],
            ["a", "global"],
          ],
        ),
      ),
    rows: 8,
    drive: (sim) => sim.runAll("lifo"),
  },
  "a stop, a failure and two resumes": {
    plan: () => plan(dagSpec([dagStep("gen", "generator", { batchSize: 2 }), dagStep("step", "normal", { inputBatchSize: 3 })], [["gen", "step"]])),
    rows: 11,
    drive: (sim) => {
      for (let i = 0; i < 3; i++) sim.deliver(0);
      sim.stop();
      sim.runAll();
      sim.resume();
      const work = sim.pending[0];
      if (work) sim.deliver(0, { id: work.id, run_id: "run-1", type: work.type, fatal: { code: "internal", message: "crash" } });
      sim.resume();
      sim.runAll();
    },
  },
};

describe("run state JSON round trip", () => {
  it.each(Object.keys(scenarios))("gives the same dispatches, rows and final state for %s", (name) => {
    const scenario = scenarios[name]!;
    const runs = [false, true].map((roundTrip) => {
      const sim = new EngineSim(scenario.plan(), { generators: { gen: scenario.rows }, roundTrip });
      sim.start();
      scenario.drive(sim);
      return sim;
    });
    const [plain, serialised] = runs as [EngineSim, EngineSim];
    expect(plain.state.status).toBe("succeeded");
    expect(serialised.dispatched).toEqual(plain.dispatched);
    expect(serialised.state).toEqual(plain.state);
    expect(Object.fromEntries(serialised.files)).toEqual(Object.fromEntries(plain.files));
    const leafRows = plain.state.plan.leaves.reduce((sum, leaf) => sum + plain.dataset(plain.state.plan.configs[leaf]).length, 0);
    expect(leafRows).toBe(scenario.rows * plain.state.plan.leaves.length);
  });
});
