import { DagValidationError } from "../errors.js";
import { Dag } from "./dag.js";
import { pyList } from "./validate.js";

export type LoadGroups = string[][] | "sequential_step_execution";

export interface LoadStages {
  /** Steps of each stage, in topological order. */
  stages: string[][];
  /** Per stage, the steps with no successor inside the stage: when all have sent their last batch, the stage is done. */
  lastSteps: string[][];
}

/**
 * Splits the DAG into load stages (inventory 2.6): every global step, and every user load
 * group, is a stage of its own; consecutive ungrouped steps in topological order share one.
 */
export function loadStages(dag: Dag, loadGroups?: LoadGroups): LoadStages {
  const order = dag.topologicalOrder();
  const groups: string[][] = loadGroups === "sequential_step_execution" ? order.map((n) => [n]) : validateGroups(dag, loadGroups ?? []);
  for (const name of order) {
    if (dag.step(name).kind === "global" && !groups.some((g) => g.includes(name))) groups.push([name]);
  }
  const groupOf = new Map<string, number>();
  groups.forEach((group, i) => group.forEach((name) => groupOf.set(name, i)));

  const stages: string[][] = [];
  const emitted = new Set<number>();
  let current: string[] = [];
  for (const name of order) {
    const group = groupOf.get(name);
    if (group === undefined) {
      current.push(name);
      continue;
    }
    if (emitted.has(group)) continue;
    if (current.length > 0) stages.push(current);
    current = [];
    emitted.add(group);
    stages.push(order.filter((n) => groupOf.get(n) === group));
  }
  if (current.length > 0) stages.push(current);

  const lastSteps = stages.map((stage) => stage.filter((name) => !dag.successors(name).some((s) => stage.includes(s))));
  return { stages, lastSteps };
}

function validateGroups(dag: Dag, groups: string[][]): string[][] {
  const seen = new Map<string, number>();
  groups.forEach((group, i) => {
    for (const name of group) {
      if (!dag.steps.has(name)) {
        throw new DagValidationError(`Step '${name}' of load group ${i} is not part of the pipeline; steps are ${pyList(dag.names())}`, {
          step: name,
          field: "load_groups",
          expected: `one of ${pyList(dag.names())}`,
        });
      }
      if (seen.has(name)) {
        throw new DagValidationError(`Step '${name}' is in two load groups (${seen.get(name)} and ${i}); a step belongs to one group`, {
          step: name,
          field: "load_groups",
          expected: "each step in at most one group",
        });
      }
      seen.set(name, i);
      if (dag.step(name).kind === "global" && group.length > 1) {
        throw new DagValidationError(`Global step '${name}' cannot share load group ${i} with other steps; global steps always run in their own stage`, {
          step: name,
          field: "load_groups",
          expected: "a global step alone in its group",
        });
      }
    }
    // A group may not hold a step and one of its further ancestors without the steps in between.
    for (const name of group) {
      for (const ancestor of dag.ancestors(name)) {
        if (!group.includes(ancestor)) continue;
        const between = [...dag.ancestors(name)].filter((a) => dag.ancestors(a).has(ancestor) && !group.includes(a));
        if (between.length > 0) {
          throw new DagValidationError(
            `Load group ${i} contains '${ancestor}' and '${name}' but not the steps between them (${pyList(between)})`,
            { step: name, field: "load_groups", expected: `a group that also contains ${pyList(between)}` },
          );
        }
      }
    }
  });
  return groups.map((g) => [...g]);
}
