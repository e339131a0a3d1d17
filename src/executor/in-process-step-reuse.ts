import { reportedOutput } from "../engine/run-engine.js";
import type { PendingOutput, RunState } from "../engine/run-state.js";
import { completeOutputs, reusableSteps } from "../engine/step-reuse.js";
import { workReportSchema, type WorkItem, type WorkReportInput } from "../engine/work.js";
import type { BlobStore } from "../runtime/blob-store.js";
import { runKeys } from "../runtime/run-keys.js";
import { resolveStepReuse, type ResolvedReuse } from "../runtime/step-reuse-lookup.js";
import type { StepOutputsCache } from "./run-cache.js";

/**
 * Step-level reuse for in-process runs: the outputs of earlier runs' steps are found in a
 * `StepOutputsCache`, and the batches of the reused steps this run reads are copied into its
 * store under their source run's keys (the same keys a Workers run reads from R2).
 */
export async function reuseInProcess(
  prepared: { plan: RunState["plan"]; stepUseCache: Record<string, boolean> },
  options: { acceptFailedRows: boolean; cache: StepOutputsCache; store: BlobStore },
): Promise<ResolvedReuse> {
  const { cache, store } = options;
  const resolved = await resolveStepReuse(
    prepared.plan,
    { useCache: prepared.stepUseCache, acceptFailedRows: options.acceptFailedRows },
    {
      find: async (signatures) =>
        Object.fromEntries(
          signatures.flatMap((signature) => {
            const entry = cache.get(signature);
            return entry ? [[signature, entry.source]] : [];
          }),
        ),
      outputs: async (source) => cache.get(source.signature)?.outputs ?? [],
      forget: async (source) => cache.delete(source.signature),
    },
  );
  for (const [step, outputs] of Object.entries(resolved.reused)) {
    const source = resolved.plan.steps[step]?.reused_from as string;
    const from = cache.get(resolved.plan.steps[step]?.signature ?? "")?.store;
    for (const output of outputs) {
      const key = runKeys.batch(source, step, output.seq_no);
      const body = await from?.get(key);
      if (body) await store.put(key, body, { contentType: "application/json" });
    }
  }
  return resolved;
}

/** Each step's outputs as this run applies them, then offered to later runs once it ends. */
export class InProcessStepOutputs {
  private readonly outputs = new Map<string, PendingOutput[]>();

  record(work: WorkItem, report: WorkReportInput): void {
    const output = reportedOutput(work, workReportSchema.parse(report));
    if (!output || !("step" in work) || report.fatal) return;
    const list = (this.outputs.get(work.step) ?? []).filter((o) => o.seq_no !== output.seq_no);
    list.push(output);
    list.sort((a, b) => a.seq_no - b.seq_no);
    this.outputs.set(work.step, list);
  }

  /** Offers the steps this run computed and completed (a run continued from the cache offers those it saw whole). */
  register(state: RunState, store: BlobStore, cache: StepOutputsCache): void {
    if (state.plan.dry_run) return;
    for (const entry of reusableSteps(state.plan, state.steps)) {
      const outputs = this.outputs.get(entry.step) ?? [];
      if (!completeOutputs(outputs)) continue;
      cache.set({ source: { ...entry, run_id: state.run_id, routing_seed: state.plan.seed }, outputs, store });
    }
  }
}
