import { describe, expect, it } from "vitest";
import { addBatch } from "../../../src/engine/batch-manager-step.js";
import { stalledSteps, stallMessage } from "../../../src/engine/progress-check.js";
import { createRunState } from "../../../src/engine/run-state.js";
import { EngineSim, dagSpec, dagStep, plan } from "./engine-sim.js";
import { output } from "./batch-manager-harness.js";

const chain = () =>
  plan(
    dagSpec(
      [dagStep("gen", "generator", { batchSize: 5 }), dagStep("s", "normal", { inputBatchSize: 5 }), dagStep("t", "normal", { inputBatchSize: 5 })],
      [
        ["gen", "s"],
        ["s", "t"],
      ],
    ),
  );

describe("stalledSteps", () => {
  it("is null while something is in flight", () => {
    const sim = new EngineSim(chain(), { generators: { gen: 10 } });
    sim.start();
    expect(Object.keys(sim.state.inflight)).toHaveLength(1);
    expect(stalledSteps(sim.state)).toBeNull();
  });

  it("is null for runs that are not running, and once every step is done", () => {
    const state = createRunState("r", chain());
    expect(stalledSteps(state)).toBeNull();
    const sim = new EngineSim(chain(), { generators: { gen: 10 } });
    sim.start();
    sim.runAll();
    expect(sim.state.status).toBe("succeeded");
    expect(stalledSteps(sim.state)).toBeNull();
  });

  it("names every unfinished step, what it waits for and what it holds", () => {
    const state = createRunState("r", chain());
    state.status = "running";
    state.steps.gen = { ...(state.steps.gen as NonNullable<typeof state.steps.gen>), next_seq_no: 1, next_offset: 5 };
    const s = state.batch_managers.s;
    if (!s) throw new Error("no manager");
    addBatch(s, output("gen", 0, 5));
    s.next_expected_seq_no.gen = [1, 1];
    const stalled = stalledSteps(state);
    expect(stalled).toEqual([
      { step: "gen", waits_for: "a successor to ask for its next batch", holds: "5 row(s) generated in 1 batch(es)" },
      { step: "s", waits_for: "batch 1 of 'gen', 5 row(s) per predecessor", holds: "5 row(s) from 'gen' (batches 0)" },
      { step: "t", waits_for: "batch 0 of 's', 5 row(s) per predecessor", holds: "0 row(s) from 's'" },
    ]);
    expect(stallMessage(stalled ?? [])).toContain("'s' waits for batch 1 of 'gen', 5 row(s) per predecessor and holds 5 row(s) from 'gen' (batches 0)");
  });
});

describe("the engine after every transition", () => {
  it("fails a run at once when nothing is in flight and nothing can be built", () => {
    const sim = new EngineSim(chain(), { generators: { gen: 10 } });
    sim.start();
    // A batch manager that expects a batch its predecessor never sends: nothing can be built
    // from the buffered batch 0, and the generator is not asked again (its buffer is full).
    const s = sim.state.batch_managers.s;
    if (!s) throw new Error("no manager");
    s.next_expected_seq_no.gen = [1, 1];
    sim.deliver(0);
    expect(sim.pending).toHaveLength(0);
    expect(sim.state.status).toBe("failed");
    expect(sim.state.error?.code).toBe("run_stalled");
    expect(sim.state.error?.message).toMatch(
      /^The run cannot progress: nothing is in flight and no batch can be built\. Unfinished steps: 'gen' .*'s' waits for batch 1 of 'gen'.*holds 5 row\(s\) from 'gen' \(batches 0\).*'t' waits for batch 0 of 's'/,
    );
  });
});
