import { errorMessage } from "../src/errors.js";
import { workItemSchema, type WorkItem, type WorkReportInput } from "../src/engine/work.js";
import { getJson } from "../src/runtime/blob-store.js";
import { workMessageSchema } from "../src/runtime/queue-message.js";
import { imputeWork, runWork } from "../src/runtime/work-runner.js";
import { mapConcurrent, Semaphore } from "../src/steps/step-context.js";
import { R2BlobStore } from "../worker/r2-blob-store.js";
import { runPipeline } from "./run-pipelines.js";
import { redactDeep } from "../src/security/redact.js";
import { ownerPrices } from "../src/llms/pricing/price-table.js";
import { CONNECTIONS_PER_INVOCATION, secretPolicyOf, workerServices } from "./worker-services.js";

interface ConsumeOptions {
  /** Dead letters: process batches are imputed (rows kept with null outputs); other work fails the run. */
  deadLetter?: boolean;
}

/**
 * The step handler: stateless. Each message names a run and a work item; the rows come from R2
 * and go back to R2 under the batch's key; the report goes to the run's Durable Object in one
 * round trip. A message is acked once its report is accepted, retried with backoff otherwise.
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
    try {
      const work = await resolveWork(parsed.data, store);
      const stub = env.PIPELINE_RUN.get(env.PIPELINE_RUN.idFromName(work.run_id));
      const deps = { store, pipeline: (runId: string) => runPipeline(store, runId), services, prices: ownerPrices(env as unknown as Record<string, unknown>) };
      if (options.deadLetter) {
        await handleDeadLetter(work, deps, stub, message.attempts);
      } else {
        const report = await runWork(work, deps);
        await deliver(stub, redactDeep(report, secrets));
      }
      message.ack();
    } catch (error) {
      console.error(`Work message ${message.id} failed (attempt ${message.attempts}): ${redactDeep(errorMessage(error), secrets)}`);
      message.retry({ delaySeconds: Math.min(60, 2 ** Math.min(message.attempts, 6)) });
    }
  });
}

async function resolveWork(message: ReturnType<typeof workMessageSchema.parse>, store: R2BlobStore): Promise<WorkItem> {
  if ("work" in message) return message.work;
  const stored = await getJson(store, message.work_ref);
  return workItemSchema.parse(stored);
}

type RunStub = DurableObjectStub<import("../durable-objects/pipeline-run.js").PipelineRun>;

async function deliver(stub: RunStub, report: WorkReportInput): Promise<void> {
  const result = await stub.report(report);
  // A run that no longer exists has nothing to wait for this report.
  if (!result.ok && result.error.code !== "not_found") throw new Error(result.error.message);
}

async function handleDeadLetter(work: WorkItem, deps: Parameters<typeof runWork>[1], stub: RunStub, attempts: number): Promise<void> {
  if (work.type === "process") {
    const report = await imputeWork(work, deps, `the batch message failed ${attempts} time(s) and was dead-lettered`);
    await deliver(stub, report);
    return;
  }
  const result = await stub.deadLetter({ work_id: work.id, step: "step" in work ? work.step : undefined, message: `${work.type} work '${work.id}' kept failing` });
  if (!result.ok && result.error.code !== "not_found") throw new Error(result.error.message);
}
