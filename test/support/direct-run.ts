import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { expect } from "vitest";
import type { RunPlan } from "../../src/engine/run-plan.js";
import type { WorkItem } from "../../src/engine/work.js";
import type { PipelineRun } from "../../durable-objects/pipeline-run.js";

/** The Durable Object of a run, by the run's id. */
export function runObject(id: string): DurableObjectStub<PipelineRun> {
  return env.PIPELINE_RUN.get(env.PIPELINE_RUN.idFromName(id));
}

/** Queues that keep what they are sent instead of delivering it: the test plays the consumers. */
export function capturingQueues(sent: WorkItem[]): Pick<Env, "STEP_QUEUE" | "CONTROL_QUEUE"> {
  const queue = {
    send: async (body: { work?: WorkItem }) => void (body.work && sent.push(body.work)),
    sendBatch: async (messages: Iterable<{ body: { work?: WorkItem } }>) => {
      for (const m of messages) if (m.body.work) sent.push(m.body.work);
    },
  } as unknown as Queue;
  return { STEP_QUEUE: queue, CONTROL_QUEUE: queue };
}

/** The stored metadata of a run created straight from a plan (no pipeline behind it). */
function directRunMeta(id: string) {
  const now = new Date().toISOString();
  return { id, name: id, description: null, signature: "sig", cache_key: `key-${id}`, created_at: now, updated_at: now, use_cache: false, dry_run: false };
}

/** A run object created from a plan, with its queues captured: `sent` is the work it sent, in order. */
export async function directRun(id: string, runPlan: RunPlan): Promise<{ stub: DurableObjectStub<PipelineRun>; sent: WorkItem[] }> {
  const stub = runObject(id);
  const sent: WorkItem[] = [];
  await runInDurableObject(stub, async (instance: PipelineRun) => {
    const internals = instance as unknown as { env: Env };
    internals.env = { ...internals.env, ...capturingQueues(sent) };
    const created = await instance.create({ meta: directRunMeta(id), plan: runPlan });
    expect(created.ok).toBe(true);
  });
  return { stub, sent };
}
