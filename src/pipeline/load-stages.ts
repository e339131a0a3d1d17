import { DagValidationError } from "../errors.js";
import type { Dag } from "./dag.js";
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
 * group, is a stage of its own; the other steps share stages. Steps are taken in topological
 * order preferring ungrouped ones, so a step that does not depend on a group runs before it
 * (a sibling of a global step stays in the first stage) instead of waiting for it.
 */
export function loadStages(dag: Dag, loadGroups?: LoadGroups): LoadStages {
  const order = dag.topologicalOrder();
  const groups: string[][] = loadGroups === "sequential_step_execution" ? order.map((n) => [n]) : validateGroups(dag, loadGroups ?? []);
  for (const name of order) {
    if (dag.step(name).kind === "global" && !groups.some((g) => g.includes(name))) groups.push([name]);
  }
  const groupOf = new Map<string, number>();
  groups.forEach((group, i) => group.forEach((name) => groupOf.set(name, i)));

  const indegree = new Map(order.map((n) => [n, dag.predecessors(n).length]));
  const ready = order.filter((n) => indegree.get(n) === 0);
  const take = (name: string): void => {
    ready.splice(ready.indexOf(name), 1);
    for (const next of dag.successors(name)) {
      const d = (indegree.get(next) ?? 0) - 1;
      indegree.set(next, d);
      if (d === 0) ready.push(next);
    }
    ready.sort((a, b) => order.indexOf(a) - order.indexOf(b));
  };
  const stages: string[][] = [];
  let current: string[] = [];
  while (ready.length > 0) {
    const ungrouped = ready.find((n) => !groupOf.has(n));
    if (ungrouped !== undefined) {
      current.push(ungrouped);
      take(ungrouped);
      continue;
    }
    if (current.length > 0) stages.push(current);
    current = [];
    const group = groupOf.get(ready[0] as string) as number;
    const stage: string[] = [];
    for (let member = ready.find((n) => groupOf.get(n) === group); member !== undefined; member = ready.find((n) => groupOf.get(n) === group)) {
      stage.push(member);
      take(member);
    }
    stages.push(stage);
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
        // Listed in topological order so the message reads along the graph.
        const between = dag.topologicalOrder().filter((a) => dag.ancestors(name).has(a) && dag.ancestors(a).has(ancestor) && !group.includes(a));
        if (between.length > 0) {
          throw new DagValidationError(`Load group ${i} contains '${ancestor}' and '${name}' but not the steps between them (${pyList(between)})`, {
            step: name,
            field: "load_groups",
            expected: `a group that also contains ${pyList(between)}`,
          });
        }
      }
    }
  });
  return groups.map((g) => [...g]);
}
