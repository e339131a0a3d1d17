import { DistilflareError } from "../src/errors.js";
import type { RunState, RunStatus } from "../src/engine/run-state.js";
import { reusableSteps } from "../src/engine/step-reuse.js";
import { totalFailedRows, type RunMeta } from "../src/engine/run-view.js";
import type { RunIndex } from "./run-index.js";

const TERMINAL: RunStatus[] = ["succeeded", "failed", "stopped"];

export function isTerminal(status: RunStatus): boolean {
  return TERMINAL.includes(status);
}

/**
 * Tells the deployment's `RunIndex` a run's new status (with its failed rows, which decide
 * whether the cache may serve it) and, once a run that was not a dry run ends, which of its
 * steps a later run may reuse.
 */
export async function recordRunStatus(runIndex: Env["RUN_INDEX"], meta: RunMeta, state: RunState, status: RunStatus): Promise<void> {
  const index = runIndex.get(runIndex.idFromName("index")) as unknown as DurableObjectStub<RunIndex>;
  const result = await index.upsert({
    id: meta.id,
    name: meta.name,
    signature: meta.signature,
    cache_key: meta.cache_key,
    status,
    dry_run: meta.dry_run,
    created_at: meta.created_at,
    updated_at: meta.updated_at,
    failed_rows: totalFailedRows(state),
  });
  if (!result.ok) throw new DistilflareError("internal", `Could not update the run index: ${result.error.message}`);
  if (isTerminal(status) && !meta.dry_run) {
    const steps = reusableSteps(state.plan, state.steps);
    const registered = await index.registerStepOutputs({ run_id: meta.id, routing_seed: state.plan.seed, created_at: meta.created_at, steps });
    if (!registered.ok) throw new DistilflareError("internal", `Could not register the run's step outputs: ${registered.error.message}`);
  }
}
