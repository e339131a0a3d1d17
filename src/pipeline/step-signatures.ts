import { sha1, stableStringify } from "../core/hash.js";
import type { DagSpec } from "./dag.js";
import { Dag } from "./dag.js";

/**
 * Each step's reuse signature: its own configuration (`componentSignature`) hashed with every
 * predecessor's reuse signature and that predecessor's routing batch function. A change in any
 * ancestor (an attribute, a routing function, a new edge) therefore changes the signature of
 * every step downstream of it, so stored outputs are only ever reused for identical inputs.
 */
export function chainedStepSignatures(spec: DagSpec, own: (step: string) => string): Record<string, string> {
  const dag = new Dag(spec);
  const out: Record<string, string> = {};
  for (const name of dag.topologicalOrder()) {
    const predecessors = [...dag.predecessors(name)].sort().map((pred) => ({ step: pred, signature: out[pred], routing: spec.routing[pred] ?? null }));
    out[name] = sha1(stableStringify({ step: name, own: own(name), predecessors }));
  }
  return out;
}
