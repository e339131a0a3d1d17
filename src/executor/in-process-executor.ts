import type { Registry } from "../components/registry.js";
import { createDefaultRegistry } from "../default-registry.js";
import { Distiset } from "../distiset/distiset.js";
import { applyReport, resumeRun, startRun, stopRun, type EngineContext, type Transition } from "../engine/run-engine.js";
import { createRunState, type RunState } from "../engine/run-state.js";
import type { WorkItem, WorkReportInput } from "../engine/work.js";
import type { Pipeline } from "../pipeline/pipeline.js";
import { MemoryBlobStore, type BlobStore } from "../runtime/blob-store.js";
import { prepareRun, type RunOptions } from "../runtime/prepare-run.js";
import { runKeys } from "../runtime/run-keys.js";
import { routingResolver } from "../runtime/routing-resolver.js";
import { assertBudgetPriced, runBudget } from "../runtime/run-budget-options.js";
import { DEFAULT_PRICES } from "../llms/pricing/price-table.js";
import { runWork } from "../runtime/work-runner.js";
import type { RetryPolicy } from "../core/retry-policy.js";
import { BufferLogger, defaultServices, Semaphore, type StepServices } from "../steps/step-context.js";
import { defaultRunCache, stepOutputsCacheOf, type CachedRun, type RunCache, type StepOutputsCache } from "./run-cache.js";
import { InProcessStepOutputs, reuseInProcess } from "./in-process-step-reuse.js";
import { reuseLogLines } from "../engine/step-reuse.js";
import { totalFailedRows } from "../engine/run-view.js";
import { duePolls } from "../engine/offline-batch-wait.js";
import { DEFAULT_LEASE_POLICY, redispatchLost } from "../engine/work-leases.js";
import { DistilflareError, isErrorCode, type ErrorCode } from "../errors.js";

export interface InProcessRunOptions extends RunOptions {
  registry?: Registry | undefined;
  services?: Partial<StepServices> | undefined;
  cache?: RunCache | undefined;
  /** Steps' outputs of earlier runs, reused by signature (step-level reuse); by default those of the runs sharing `cache`. */
  stepOutputs?: StepOutputsCache | undefined;
  retry?: RetryPolicy | undefined;
  /** Work items running at once (LLM calls inside a batch are bounded separately). */
  concurrency?: number | undefined;
  /** Aborting stops the run gracefully: in-flight batches finish, the state is kept for a resume. */
  signal?: AbortSignal | undefined;
  /** Called after every transition (progress displays, tests that serialise the state). */
  // biome-ignore lint/suspicious/noConfusingVoidType: a listener returns nothing, or a state to go on with.
  onTransition?: ((state: RunState) => RunState | void) | undefined;
  /** Overrides the order in which finished work is applied (tests of out-of-order arrival). */
  reorder?: ((ready: WorkItem[]) => WorkItem[]) | undefined;
  /** Log lines of every batch. */
  onLog?: ((lines: string[]) => void) | undefined;
  /**
   * Return a run that did not succeed (stopped, failed) with the Distiset of the files written
   * so far, instead of throwing a `RunNotSucceededError`.
   */
  partial?: boolean | undefined;
  /** Let the cache serve (or resume) a run whose rows failed; by default such a run is recomputed. */
  acceptFailedRows?: boolean | undefined;
}

export interface InProcessRunResult {
  distiset: Distiset;
  state: RunState;
  store: BlobStore;
  runId: string;
  /** True when the cache served a finished run without calling any step. */
  fromCache: boolean;
}

/** A run that ended in any status but `succeeded`; `result` holds its state and partial Distiset. */
export class RunNotSucceededError extends DistilflareError {
  constructor(readonly result: InProcessRunResult) {
    const { state } = result;
    const code: ErrorCode = state.error && isErrorCode(state.error.code) ? state.error.code : state.status === "stopped" ? "conflict" : "internal";
    const why = state.error?.message ?? (state.status === "stopped" ? "it was stopped before it finished" : `it ended as '${state.status}'`);
    super(code, `Run '${result.runId}' did not succeed (status '${state.status}'): ${why}`, { run_id: result.runId, status: state.status });
    this.name = "RunNotSucceededError";
  }
}

/**
 * Runs a pipeline in this process on the same engine and work runner the Workers runtime uses,
 * with in-memory storage. Returns the Distiset; throws `RunNotSucceededError` when the run
 * does not succeed unless `partial` asks for what it produced.
 */
export async function runInProcess(pipeline: Pipeline, options: InProcessRunOptions = {}): Promise<InProcessRunResult> {
  const services: StepServices = defaultServices({ blobs: undefined, ...options.services });
  const logger = new BufferLogger("");
  const useCache = (options.useCache ?? true) && !options.dryRun;
  const seedContext = { runId: "prepare", stepName: "", seqNo: 0, logger, services };
  const prepared = await prepareRun(pipeline, options, seedContext, pipeline.name);
  const cache = options.cache ?? defaultRunCache;
  const runId = useCache ? `cache-${prepared.cacheKey.slice(0, 16)}` : `run-${crypto.randomUUID()}`;
  const cached = useCache && prepared.cacheable ? reusableRun(cache.get(prepared.cacheKey), options) : undefined;
  if (!cached) cache.delete(prepared.cacheKey);

  if (cached?.state.status === "succeeded") return succeededRun(cached, true);

  const store = cached?.store ?? new MemoryBlobStore();
  const stepServices: StepServices = { ...services, blobs: services.blobs ?? store };
  await store.put(runKeys.pipelineYaml(runId), prepared.pipelineYaml, { contentType: "application/yaml" });
  const registry = options.registry ?? createDefaultRegistry();
  const context = (): EngineContext => ({ now: Date.now(), routing: routingResolver(registry) });
  const budget = runBudget(options, {});
  assertBudgetPriced(pipeline, budget, DEFAULT_PRICES);

  const stepOutputs = options.stepOutputs ?? stepOutputsCacheOf(cache);
  const reuse =
    !cached && useCache ? await reuseInProcess(prepared, { acceptFailedRows: options.acceptFailedRows ?? false, cache: stepOutputs, store }) : undefined;
  const reuseLines = reuse ? reuseLogLines(reuse.plan) : [];
  if (reuseLines.length > 0) options.onLog?.(reuseLines);
  let state: RunState = cached?.state ?? { ...createRunState(runId, reuse?.plan ?? prepared.plan), ...(budget ? { budget } : {}) };
  const produced = new InProcessStepOutputs();
  const queue: WorkItem[] = [];
  const accept = (transition: Transition): void => {
    const next = options.onTransition?.(transition.state);
    state = next ?? transition.state;
    queue.push(...transition.dispatch);
    if (useCache) cache.set(prepared.cacheKey, { state, store });
  };
  if (state.status === "pending") accept(startRun(state, context(), reuse?.reused));
  else if (state.status === "running") accept(resumeFromCrash(state, context()));
  else accept(resumeRun(state, context(), { budget }));

  const deps = {
    store,
    pipeline: async () => pipeline,
    services: { ...stepServices, connectionSlots: new Semaphore(stepServices.connectionSlots.capacity) },
    retry: options.retry,
    onLog: options.onLog,
  };
  const concurrency = options.concurrency ?? 8;
  const running = new Set<Promise<void>>();
  const finished: Array<{ work: WorkItem; report: WorkReportInput }> = [];
  let stopRequested = false;

  for (;;) {
    if (queue.length === 0 && running.size === 0 && finished.length === 0) {
      // Only provider batch jobs left: wait for their next poll and send their batches again.
      const polls = state.status === "running" ? duePolls(state, Date.now()) : { due: [], next: undefined };
      if (polls.due.length === 0 && polls.next === undefined) break;
      if (polls.due.length === 0) await new Promise((resolve) => setTimeout(resolve, (polls.next as number) - Date.now()));
      else accept(redispatchLost(state, Date.now(), DEFAULT_LEASE_POLICY));
      continue;
    }
    if (options.signal?.aborted && !stopRequested && (state.status === "running" || state.status === "pending")) {
      stopRequested = true;
      accept(stopRun(state));
    }
    while (queue.length > 0 && running.size < concurrency) {
      const work = queue.shift() as WorkItem;
      const task: Promise<void> = runWork(work, deps).then((report) => {
        finished.push({ work, report });
      });
      running.add(task);
      void task.finally(() => running.delete(task));
    }
    // With `reorder`, wait for everything running so the reorder sees all the work that ran
    // concurrently (one at a time it could never reorder anything).
    if (finished.length === 0 && running.size > 0) await (options.reorder ? Promise.allSettled([...running]) : Promise.race(running));
    // Let every item that finished in the same tick land, then apply them (optionally reordered).
    await Promise.resolve();
    const ready = finished.splice(0, finished.length);
    const order = options.reorder ? options.reorder(ready.map((r) => r.work)) : ready.map((r) => r.work);
    for (const work of order) {
      const item = ready.find((r) => r.work === work);
      if (!item) continue;
      const transition = applyReport(state, item.report, context());
      if (transition.state !== state) produced.record(item.work, item.report);
      accept(transition);
    }
  }

  if (state.status === "stopping") accept(stopRun(state));
  produced.register(state, store, stepOutputs);
  if (state.status === "succeeded") return succeededRun({ state, store }, false);
  const result = { distiset: await partialDistiset(store, state), state, store, runId, fromCache: false };
  if (options.partial) return result;
  throw new RunNotSucceededError(result);
}

async function succeededRun(run: CachedRun, fromCache: boolean): Promise<InProcessRunResult> {
  const runId = run.state.run_id;
  return { distiset: await Distiset.fromStore(run.store, runId), state: run.state, store: run.store, runId, fromCache };
}

/**
 * The cached run, if it may be reused: never one whose rows failed unless that is accepted
 * (its stored, imputed batches would be served or resumed again); such a run is recomputed.
 */
function reusableRun(cached: CachedRun | undefined, options: InProcessRunOptions): CachedRun | undefined {
  return cached && (options.acceptFailedRows || totalFailedRows(cached.state) === 0) ? cached : undefined;
}

/** The leaf files a run that did not finish has written so far. */
async function partialDistiset(store: BlobStore, state: RunState): Promise<Distiset> {
  const files = Object.fromEntries(Object.values(state.leaves).map((leaf) => [leaf.config, leaf.files.map((f) => f.path)]));
  return Distiset.fromFiles(store, files);
}

/** A cached state still marked running: the process that ran it is gone, so its in-flight work is lost; send it again. */
function resumeFromCrash(state: RunState, context: EngineContext): Transition {
  return resumeRun({ ...state, status: "stopped" }, context);
}
