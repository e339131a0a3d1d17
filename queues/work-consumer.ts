import { errorMessage } from "../src/errors.js";
import { QUEUE_RETRY, retryDelayMs } from "../src/core/retry-policy.js";
import { workItemSchema, type WorkItem, type WorkReportInput } from "../src/engine/work.js";
import { getJson } from "../src/runtime/blob-store.js";
import { workMessageSchema } from "../src/runtime/queue-message.js";
import { runWork } from "../src/runtime/work-runner.js";
import { mapConcurrent, Semaphore } from "../src/steps/step-context.js";
import { R2BlobStore } from "../bindings/r2-blob-store.js";
import { runPipeline } from "./run-pipelines.js";
import { redactDeep } from "../src/security/redact.js";
import { ownerPrices } from "../src/llms/pricing/price-table.js";
import { CONNECTIONS_PER_INVOCATION, secretPolicyOf, workerServices } from "../bindings/worker-services.js";

interface ConsumeOptions {
  /** Dead letters: the run fails with the reason (a resume sends the work again). */
  deadLetter?: boolean;
}

/**
 * The step handler: stateless. Each message names a run and a work item; the rows come from R2
 * and go back to R2 under the batch's key; the report goes to the run's Durable Object in one
 * round trip, after one to start it: the run leases the work to this consumer, and the lease is
 * renewed while the work runs longer than a third of it. A message is acked once its report is
 * accepted (or the run no longer wants it), retried with backoff otherwise.
 */
export async function consumeWork(batch: MessageBatch<unknown>, env: Env, options: ConsumeOptions = {}): Promise<void> {
  const store = new R2BlobStore(env.DATA);
  const slots = new Semaphore(CONNECTIONS_PER_INVOCATION);
  const services = workerServices(env, slots);
  // Reports become run errors and pipeline.log: no secret value may reach either.
  const secrets = secretPolicyOf(env).secretValues();
  // Every message of the batch at once: the batch size is the window of step batches one
  // invocation keeps in flight (wrangler.toml), and a message waiting here would idle its calls.
  await mapConcurrent(batch.messages, batch.messages.length, async (message) => {
    const parsed = workMessageSchema.safeParse(message.body);
    if (!parsed.success) {
      // A malformed message can never succeed; retrying it would only poison the queue.
      console.error(`Dropping malformed work message ${message.id}: ${parsed.error.issues[0]?.message ?? "invalid"}`);
      message.ack();
      return;
    }
    // The work this invocation holds a lease on; `fused` when it came as a report's reply, not as this message.
    let leased: { stub: RunStub; workId: string; fused: boolean } | undefined;
    try {
      const work = await resolveWork(parsed.data, store);
      const stub = env.PIPELINE_RUN.get(env.PIPELINE_RUN.idFromName(work.run_id));
      if (options.deadLetter) {
        await deadLetter(stub, work, message.attempts);
      } else {
        const lease = await stub.startWork({ work_id: work.id });
        if (!lease.ok && lease.error.code !== "not_found") throw new Error(lease.error.message);
        // Not granted: reported already (a duplicate), the run ended, or out of attempts (the run failed).
        if (lease.ok && lease.value.granted) {
          const deps = {
            store,
            pipeline: (runId: string) => runPipeline(store, runId),
            services,
            prices: ownerPrices(env as unknown as Record<string, unknown>),
          };
          // A fused chain: each report may hand back the successor batch built from the one just
          // reported, leased to this invocation; it runs here instead of going through the queue.
          let next: { work: WorkItem; leaseMs: number; fused: boolean } | undefined = { work, leaseMs: lease.value.leaseMs, fused: false };
          while (next) {
            const current: WorkItem = next.work;
            leased = { stub, workId: current.id, fused: next.fused };
            const report = await holdingLease(stub, current.id, next.leaseMs, () => runWork(current, deps));
            const fused = await deliver(stub, redactDeep(report, secrets));
            leased = undefined;
            next = fused ? { work: fused.work, leaseMs: fused.lease_ms, fused: true } : undefined;
          }
        }
      }
      message.ack();
    } catch (error) {
      const delaySeconds = retryDelayMs(QUEUE_RETRY, message.attempts) / 1000;
      const reason = redactDeep(errorMessage(error), secrets);
      console.error(`Work message ${message.id} failed (attempt ${message.attempts}): ${reason}`);
      if (leased?.fused) {
        // The message's own work was reported; the fused batch has no message to retry, so the
        // run sends it through the queue (its normal retry path) with this error as its last.
        await leased.stub.abandonWork({ work_id: leased.workId, error: reason, retry_in_ms: delaySeconds * 1000, requeue: true }).catch(() => undefined);
        message.ack();
        return;
      }
      // The run keeps the error as the item's last one and waits for the queue's redelivery.
      if (leased) await leased.stub.abandonWork({ work_id: leased.workId, error: reason, retry_in_ms: delaySeconds * 1000 }).catch(() => undefined);
      message.retry({ delaySeconds });
    }
  });
}

async function resolveWork(message: ReturnType<typeof workMessageSchema.parse>, store: R2BlobStore): Promise<WorkItem> {
  if ("work" in message) return message.work;
  const stored = await getJson(store, message.work_ref);
  return workItemSchema.parse(stored);
}

type RunStub = DurableObjectStub<import("../durable-objects/pipeline-run.js").PipelineRun>;

/** Reports the work; returns the successor batch the run fused behind it, if any. */
async function deliver(stub: RunStub, report: WorkReportInput): Promise<{ work: WorkItem; lease_ms: number } | undefined> {
  const result = await stub.report(report, { accept_fused: true });
  // A run that no longer exists has nothing to wait for this report.
  if (!result.ok && result.error.code !== "not_found") throw new Error(result.error.message);
  const fused = result.ok ? result.value.fused : undefined;
  return fused ? { work: workItemSchema.parse(fused.work), lease_ms: fused.lease_ms } : undefined;
}

/**
 * Runs `fn` while renewing the work's lease every third of it: work shorter than that costs no
 * renewal, and a consumer that dies stops renewing, so the run sends its work again.
 */
async function holdingLease<T>(stub: RunStub, workId: string, leaseMs: number, fn: () => Promise<T>): Promise<T> {
  const timer = setInterval(
    () => {
      stub.renewWork({ work_id: workId }).catch((error: unknown) => console.error(`Lease renewal of '${workId}' failed: ${errorMessage(error)}`));
    },
    Math.max(1_000, Math.floor(leaseMs / 3)),
  );
  try {
    return await fn();
  } finally {
    clearInterval(timer);
  }
}

/** A message past its retries: the run fails with the dead-letter reason and the item's last error (resumable). */
async function deadLetter(stub: RunStub, work: WorkItem, attempts: number): Promise<void> {
  const result = await stub.deadLetter({
    work_id: work.id,
    step: "step" in work ? work.step : undefined,
    message: `${work.type} work '${work.id}' failed ${attempts} delivery attempt(s)`,
  });
  if (!result.ok && result.error.code !== "not_found") throw new Error(result.error.message);
}
