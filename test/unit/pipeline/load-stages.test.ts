import { describe, expect, it } from "vitest";
import { DagValidationError } from "../../../src/errors.js";
import type { LoadGroups } from "../../../src/pipeline/load-stages.js";
import { Pipeline } from "../../../src/pipeline/pipeline.js";
import { LoadDataFromDicts } from "../../../src/steps/builtin/loaders/load-data-from-dicts.js";
import { defineStep } from "../../../src/steps/step-factory.js";

const Pass = defineStep({ name: "Pass", inputs: ["text"], outputs: ["text"], process: ([rows]) => rows ?? [] });
const Dedup = defineStep({ name: "Dedup", kind: "global", inputs: ["text"], outputs: ["text"], process: ([rows]) => rows ?? [] });

/** load -> a -> dedup (global) -> b -> c, and load -> side. */
function pipeline(): Pipeline {
  return new Pipeline({ name: "stages" }).build(() => {
    const load = new LoadDataFromDicts({ name: "load", data: [{ text: "x" }] });
    const a = new Pass({ name: "a" });
    const dedup = new Dedup({ name: "dedup" });
    const b = new Pass({ name: "b" });
    const c = new Pass({ name: "c" });
    load.connect(a);
    a.connect(dedup);
    dedup.connect(b);
    b.connect(c);
    load.connect(new Pass({ name: "side" }));
  });
}

function failure(groups: LoadGroups): DagValidationError {
  try {
    pipeline().validate({ loadGroups: groups });
  } catch (error) {
    if (error instanceof DagValidationError) return error;
    throw error;
  }
  throw new Error("the load groups were accepted");
}

describe("load stages", () => {
  it("gives every global step a stage of its own and keeps consecutive steps together", () => {
    expect(pipeline().validate()).toEqual({ stages: [["load", "a", "side"], ["dedup"], ["b", "c"]], lastSteps: [["a", "side"], ["dedup"], ["c"]] });
  });

  it("keeps a step that does not depend on a global step in the stage before it", () => {
    const siblings = new Pipeline({ name: "siblings" }).build(() => {
      const load = new LoadDataFromDicts({ name: "load", data: [{ text: "x" }] });
      const dedup = new Dedup({ name: "dedup" });
      load.connect(dedup);
      dedup.connect(new Pass({ name: "after" }));
      load.connect(new Pass({ name: "sibling" }));
    });
    expect(siblings.validate()).toEqual({ stages: [["load", "sibling"], ["dedup"], ["after"]], lastSteps: [["sibling"], ["dedup"], ["after"]] });
  });

  it("makes a stage of each user load group", () => {
    expect(pipeline().validate({ loadGroups: [["b"], ["c"]] })).toEqual({
      stages: [["load", "a", "side"], ["dedup"], ["b"], ["c"]],
      lastSteps: [["a", "side"], ["dedup"], ["b"], ["c"]],
    });
    expect(pipeline().validate({ loadGroups: [["a", "side"]] })).toEqual({
      stages: [["load"], ["a", "side"], ["dedup"], ["b", "c"]],
      lastSteps: [["load"], ["a", "side"], ["dedup"], ["c"]],
    });
  });

  it("puts every step in its own stage with sequential_step_execution", () => {
    const { stages, lastSteps } = pipeline().validate({ loadGroups: "sequential_step_execution" });
    expect(stages).toEqual([["load"], ["a"], ["side"], ["dedup"], ["b"], ["c"]]);
    expect(lastSteps).toEqual(stages);
  });

  it("rejects a group naming a step that is not in the pipeline", () => {
    const error = failure([["a"], ["ghost"]]);
    expect(error.message).toBe("Step 'ghost' of load group 1 is not part of the pipeline; steps are ['load', 'a', 'dedup', 'b', 'c', 'side']");
    expect(error.details).toMatchObject({ step: "ghost", field: "load_groups" });
  });

  it("rejects a step in two groups", () => {
    expect(failure([["a"], ["a", "side"]]).message).toBe("Step 'a' is in two load groups (0 and 1); a step belongs to one group");
  });

  it("rejects a global step sharing a group", () => {
    expect(failure([["dedup", "b"]]).message).toBe(
      "Global step 'dedup' cannot share load group 0 with other steps; global steps always run in their own stage",
    );
  });

  it("rejects a group holding a step and a further ancestor without the steps between them", () => {
    const gap = failure([["b", "load"]]);
    expect(gap.message).toBe("Load group 0 contains 'load' and 'b' but not the steps between them (['a', 'dedup'])");
    expect(gap.details).toMatchObject({ step: "b", field: "load_groups" });
  });
});
