import { DurableObject } from "cloudflare:workers";
import { z } from "zod";
import { DistilflareError, NotFoundError } from "../src/errors.js";
import { startRun, stopRun, type EngineContext, type Transition } from "../src/engine/run-engine.js";
import { applyReportFusing } from "../src/engine/fused-report.js";
import type { RunPlan } from "../src/engine/run-plan.js";
import { createRunState, type PendingOutput, type RunState, type RunStatus } from "../src/engine/run-state.js";
import { reusableSteps, reuseLogLines } from "../src/engine/step-reuse.js";
import { StepOutputsLog } from "./step-outputs-log.js";
import { stateChanges, stateFromRows } from "../src/engine/run-state-rows.js";
import { LastValueCache } from "../src/engine/run-view-cache.js";
import { runMetaSchema, runView, totalFailedRows, type RunMeta, type RunView } from "../src/engine/run-view.js";
import type { WorkItem, WorkReportInput } from "../src/engine/work.js";
import { abandonWork, DEFAULT_LEASE_POLICY, failWork, nextLossCheck, redispatchLost, renewLease, resendUnreported, resumeRunOrResend, startWork, type LeasePolicy, type StartOutcome } from "../src/engine/work-leases.js";
import { executePush, markPushCutOff, pendingPush, pushIsDue, pushToHubStatusSchema, PUSH_RETRY_AFTER_MS, startPushAttempt, type PushToHubRequest, type PushToHubStatus } from "../src/hub/scheduled-push.js";
import { MAX_INLINE_MESSAGE_BYTES, type WorkMessage } from "../src/runtime/queue-message.js";
import { runKeys } from "../src/runtime/run-keys.js";
import { routingResolver } from "../src/runtime/routing-resolver.js";
import { runtimeRegistry } from "../src/runtime/runtime-registry.js";
import { workerServices } from "../queues/worker-services.js";
import { R2BlobStore } from "../worker/r2-blob-store.js";
import { rpc, type RpcResult } from "./rpc-result.js";
import { ownerPrices, type PriceTable } from "../src/llms/pricing/price-table.js";
import { hasLimit, type RunBudget } from "../src/engine/run-budget.js";
import type { RunIndex } from "./run-index.js";
import { RunStorage } from "./run-storage.js";
import { awaitingPoll } from "../src/engine/offline-batch-wait.js";

export interface CreateRunInput {
  meta: RunMeta;
  plan: RunPlan;
  /** Complete stored outputs of the reused steps the run reads (`src/engine/step-reuse.ts`). */
  reused?: Record<string, PendingOutput[]> | undefined;
  /** Push the Distiset to the Hub once the run succeeds. */
  push_to_hub?: PushToHubRequest | undefined;
  /** Spending limits; the run stops (reason `budget`) before a batch that would pass them. */
  budget?: RunBudget | undefined;
}

/** What a report gets back: whether it counted, and the successor batch fused behind it, if any. */
export type ReportOutcome = { accepted: boolean; fused?: { work: WorkItem; lease_ms: number } };

/** A running run with nothing that could be lost still gets looked at this often. */
const IDLE_CHECK_MS = 60_000;
const MAX_LOG_LINES = 20_000;
const TERMINAL: RunStatus[] = ["succeeded", "failed", "stopped"];
const outboxSchema = z.array(z.string());

/**
 * One object per run: holds the engine state in its own SQLite storage, one row per record
 * (`src/engine/run-state-rows.ts`), decides what runs next and sends it to the queues. It never
 * holds rows of data. Every change is written before the in-memory state moves to it, so the
 * object can be evicted or restarted at any moment and carry on from storage alone; work a
 * consumer holds is leased, and work whose lease lapses (or that never started) is sent again.
 */
export class PipelineRun extends DurableObject<Env> {
  private meta: RunMeta | undefined;
  private state: RunState | undefined;
  private readonly rows: RunStorage;
  private readonly outputsLog: StepOutputsLog;
  /** Work items whose JSON is in R2 already (kept there by `RunStorage.spill`). */
  private readonly spilled = new Set<string>();
  private outboxSeq = 0;
  /** Outboxes this instance is sending right now: a watchdog must not send them a second time. */
  private readonly sending = new Set<string>();
  private lastWatchdog = 0;
  private alarmAt: number | undefined;
  /** The requested push and its outcome (storage key `push`; its token, if given, under `push:token`). */
  private push: PushToHubStatus | undefined;
  /** The deployment's prices, which a `max_cost_usd` budget is counted in. */
  private readonly prices: PriceTable;
  /** The last status view, until the state, meta or push changes. */
  private readonly views = new LastValueCache<[RunMeta, RunState, PushToHubStatus | undefined], RunView>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.rows = new RunStorage(ctx.storage, env.DATA);
    this.prices = ownerPrices(env as unknown as Record<string, unknown>);
    this.outputsLog = new StepOutputsLog(ctx.storage.sql);
    ctx.blockConcurrencyWhile(async () => this.load());
  }

  private async load(): Promise<void> {
    this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS log (id INTEGER PRIMARY KEY AUTOINCREMENT, line TEXT NOT NULL)");
    const meta = this.rows.getKv("meta");
    if (!meta) return;
    this.meta = runMetaSchema.parse(JSON.parse(meta));
    this.state = stateFromRows(await this.rows.readRows(this.spilled));
    const outbox = this.rows.listKv("outbox:");
    this.outboxSeq = outbox.length === 0 ? 0 : Number(outbox.at(-1)?.key.slice("outbox:".length)) + 1;
    const push = await this.ctx.storage.get<string>("push");
    if (push) this.push = pushToHubStatusSchema.parse(JSON.parse(push));
    this.alarmAt = (await this.ctx.storage.getAlarm()) ?? undefined;
  }

  private context(): EngineContext {
    return { now: Date.now(), routing: routingResolver(runtimeRegistry()), prices: this.prices };
  }

  /** The lease policy; `WORK_LEASE_SECONDS` (wrangler.toml) sets the lease and the grace of unstarted work. */
  private policy(): LeasePolicy {
    const seconds = Number(this.env.WORK_LEASE_SECONDS ?? "");
    if (!Number.isFinite(seconds) || seconds <= 0) return DEFAULT_LEASE_POLICY;
    return { ...DEFAULT_LEASE_POLICY, leaseMs: seconds * 1000, unstartedGraceMs: seconds * 1000 };
  }

  private requireRun(): { meta: RunMeta; state: RunState } {
    if (!this.meta || !this.state) throw new NotFoundError(`Run not found`);
    return { meta: this.meta, state: this.state };
  }

  /** Creates and starts the run; a second call with the same run returns it unchanged. */
  async create(input: CreateRunInput): Promise<RpcResult<RunView>> {
    return rpc(async () => {
      if (this.meta && this.state) return runView(this.meta, this.state, ownerPrices(this.env as unknown as Record<string, unknown>));
      const state: RunState = { ...createRunState(input.meta.id, input.plan), ...(hasLimit(input.budget) ? { budget: input.budget } : {}) };
      const transition = startRun(state, this.context(), input.reused);
      if (input.push_to_hub) await this.savePush(input.push_to_hub);
      const at = new Date().toISOString();
      this.appendLog([
        `${at} INFO Run '${input.meta.id}' of pipeline '${input.meta.name}' created (${input.plan.order.length} steps, ${input.plan.stages.length} stage(s))`,
        ...reuseLogLines(input.plan).map((line) => `${at} INFO ${line}`),
      ]);
      await this.commit(transition, undefined, input.meta);
      return this.view();
    });
  }

  /**
   * A worker's report. Duplicates and reports of unknown work change nothing. A consumer that
   * `accept_fused` gets back the successor batch built from the reported one alone, already
   * leased to it, instead of that batch going through the queue (`src/engine/step-fusion.ts`).
   */
  async report(report: WorkReportInput, options: { accept_fused?: boolean } = {}): Promise<RpcResult<ReportOutcome>> {
    return rpc(async () => {
      const { state } = this.requireRun();
      const transition = applyReportFusing(state, report, this.context(), this.policy(), options.accept_fused ?? false);
      if (transition.state === state) return { accepted: false };
      this.outputsLog.record(state, report);
      this.appendLog(report.log ?? []);
      const fused = transition.fused;
      if (fused && "seq_no" in fused.work) this.appendLog([`${new Date().toISOString()} INFO [${fused.work.step}] batch ${fused.work.seq_no} fused: it runs in the invocation that ran ${report.id}`]);
      await this.commit(transition, state.status);
      return fused ? { accepted: true, fused: { work: fused.work, lease_ms: fused.leaseMs } } : { accepted: true };
    });
  }

  /**
   * A consumer starts a work item: it holds a lease it renews (`renewWork`) until it reports.
   * Work no longer wanted (reported already, run ended) is not granted: the consumer drops it.
   */
  async startWork(input: { work_id: string }): Promise<RpcResult<StartOutcome>> {
    return rpc(async () => {
      const { state } = this.requireRun();
      const transition = startWork(state, input.work_id, Date.now(), this.policy());
      if (transition.state !== state) {
        if (!transition.outcome.granted) this.appendLog([`${new Date().toISOString()} ERROR Work '${input.work_id}' ran out of attempts`]);
        await this.commit(transition, state.status);
      }
      return transition.outcome;
    });
  }

  async renewWork(input: { work_id: string }): Promise<RpcResult<{ renewed: boolean }>> {
    return rpc(async () => {
      const { state } = this.requireRun();
      const transition = renewLease(state, input.work_id, Date.now(), this.policy());
      if (transition.state !== state) await this.commit(transition, state.status);
      return { renewed: transition.state !== state };
    });
  }

  /** A consumer failed the work and the queue will deliver it again in `retry_in_ms`; `error` becomes its last error. */
  async abandonWork(input: { work_id: string; error: string; retry_in_ms: number; requeue?: boolean }): Promise<RpcResult<{ ok: true }>> {
    return rpc(async () => {
      const { state } = this.requireRun();
      const transition = abandonWork(state, input.work_id, input.error, Date.now(), input.retry_in_ms, input.requeue ?? false);
      if (transition.state !== state) await this.commit(transition, state.status);
      return { ok: true as const };
    });
  }

  async status(): Promise<RpcResult<RunView>> {
    return rpc(async () => {
      await this.watchdog(false);
      return this.view();
    });
  }

  async stop(): Promise<RpcResult<RunView>> {
    return rpc(async () => {
      const { state } = this.requireRun();
      const transition = stopRun(state);
      this.appendLog([`${new Date().toISOString()} INFO Stop requested`]);
      await this.commit(transition, state.status);
      return this.view();
    });
  }

  /**
   * Carries on a stopped or failed run; on a running run, sends every unreported item again
   * (duplicates are harmless). `budget` changes the run's limits (null lifts one).
   */
  async resume(input: { budget?: Partial<RunBudget> | undefined } = {}): Promise<RpcResult<RunView>> {
    return rpc(async () => {
      const { state } = this.requireRun();
      if (state.status === "pending") return this.view();
      const transition = resumeRunOrResend(state, this.context(), input);
      const what = state.status === "running" ? `re-sending ${transition.dispatch.length} unreported work item(s)` : `from status '${state.status}'`;
      const budget = transition.state.budget !== state.budget ? ` with budget ${JSON.stringify(transition.state.budget)}` : "";
      this.appendLog([`${new Date().toISOString()} INFO Resumed: ${what}${budget}`]);
      await this.commit(transition, state.status);
      return this.view();
    });
  }

  /** A message that kept failing reached the dead-letter queue: the run fails with its reason and the item's last error. */
  async deadLetter(input: { work_id: string; step?: string | undefined; message: string }): Promise<RpcResult<RunView>> {
    return rpc(async () => {
      const { state } = this.requireRun();
      const transition = failWork(state, input.work_id, `dead-lettered after its retries: ${input.message}`, Date.now());
      if (transition.state === state) return this.view();
      this.appendLog([`${new Date().toISOString()} ERROR Work '${input.work_id}' was dead-lettered: ${input.message}`]);
      await this.commit(transition, state.status);
      return this.view();
    });
  }

  /** Asks for a push to the Hub when the run succeeds (now, if it already has). */
  async requestPush(request: PushToHubRequest): Promise<RpcResult<RunView>> {
    return rpc(async () => {
      const { state } = this.requireRun();
      await this.savePush(request);
      if (state.status === "succeeded") await this.setAlarmAt(Date.now());
      return this.view();
    });
  }

  /** A step's stored outputs in seq order, for a later run that reuses the step. */
  async stepOutputs(input: { step: string }): Promise<RpcResult<PendingOutput[]>> {
    return rpc(() => {
      this.requireRun();
      return this.outputsLog.outputs(input.step);
    });
  }

  async logs(): Promise<RpcResult<string>> {
    return rpc(() => {
      this.requireRun();
      return this.logText();
    });
  }

  override async alarm(): Promise<void> {
    this.alarmAt = undefined;
    await this.watchdog(true);
    await this.pushIfDue();
  }

  private view(): RunView {
    const { meta, state } = this.requireRun();
    return this.views.get([meta, state, this.push], () => {
      const view = runView(meta, state, ownerPrices(this.env as unknown as Record<string, unknown>));
      return this.push ? Object.assign(view, { push_to_hub: this.push }) : view;
    });
  }

  /** Keeps the push request; its token goes to its own key, never into the status, the log or R2. */
  private async savePush(request: PushToHubRequest): Promise<void> {
    this.push = pendingPush(request);
    await this.ctx.storage.put("push", JSON.stringify(this.push));
    if (request.token) await this.ctx.storage.put("push:token", request.token);
    else await this.ctx.storage.delete("push:token");
  }

  /**
   * Runs a due push from the alarm (not from a request that may be cut off). A second alarm is
   * set first, so a push cut off by an eviction is tried again — a bounded number of times;
   * the token is deleted after it.
   */
  private async pushIfDue(): Promise<void> {
    const push = this.push;
    if (!this.meta || this.state?.status !== "succeeded" || !push || !pushIsDue(push)) return;
    const cutOff = markPushCutOff(push);
    if (cutOff) {
      await this.finishPush(cutOff);
      return;
    }
    const running = startPushAttempt(push);
    this.push = running;
    await this.ctx.storage.put("push", JSON.stringify(running));
    await this.setAlarmAt(Date.now() + PUSH_RETRY_AFTER_MS + 1_000);
    const token = await this.ctx.storage.get<string>("push:token");
    const result = await executePush({ store: new R2BlobStore(this.env.DATA), runId: this.meta.id, push: running, token, services: workerServices(this.env) });
    await this.finishPush(result);
  }

  private async finishPush(result: PushToHubStatus): Promise<void> {
    const meta = this.meta as RunMeta;
    this.push = result;
    await this.ctx.storage.put("push", JSON.stringify(result));
    await this.ctx.storage.delete("push:token");
    await this.ctx.storage.deleteAlarm();
    this.alarmAt = undefined;
    const line = result.status === "succeeded" ? `INFO Pushed the Distiset to ${result.url}` : `ERROR Push to '${result.repo_id}' failed: ${result.error?.message ?? "unknown error"}`;
    this.appendLog([`${new Date().toISOString()} ${line}`]);
    await this.env.DATA.put(runKeys.log(meta.id), this.logText(), { httpMetadata: { contentType: "text/plain" } });
  }

  /**
   * Sends again the work presumed lost — a lapsed lease, or never started although the
   * backlog ahead of it should have drained (a local queue keeps nothing across a restart) —
   * and flushes any outbox a crash left behind.
   */
  private async watchdog(fromAlarm: boolean): Promise<void> {
    if (!this.state || !this.meta) return;
    const now = Date.now();
    if (!fromAlarm && now - this.lastWatchdog < 5_000) return;
    this.lastWatchdog = now;
    await this.flushOutbox();
    const state = this.state;
    const transition = redispatchLost(state, now, this.policy());
    if (transition.dispatch.length > 0) {
      const [polls, lost] = partitionPolls(state, transition.dispatch);
      if (polls.length > 0) this.appendLog([`${new Date(now).toISOString()} INFO Polling the batch job(s) of ${polls.join(", ")}`]);
      if (lost.length > 0) this.appendLog([`${new Date(now).toISOString()} WARNING Re-sending ${lost.length} work item(s) presumed lost: ${lost.join(", ")}`]);
      await this.commit(transition, state.status);
    } else if (fromAlarm) {
      await this.armAlarm();
    }
  }

  /** Sets the alarm for the next moment some work may be presumed lost (a running run is always watched). */
  private async armAlarm(): Promise<void> {
    const state = this.state;
    if (!state || (state.status !== "running" && state.status !== "stopping")) return;
    const now = Date.now();
    const at = Math.max(now + 1_000, Math.min(nextLossCheck(state, this.policy()) ?? Number.POSITIVE_INFINITY, now + IDLE_CHECK_MS));
    // An earlier alarm still pending will look again and re-arm.
    if (this.alarmAt !== undefined && this.alarmAt > now && this.alarmAt <= at) return;
    await this.setAlarmAt(at);
  }

  private async setAlarmAt(at: number): Promise<void> {
    this.alarmAt = at;
    await this.ctx.storage.setAlarm(at);
  }

  /**
   * Writes what the transition changed and only then adopts it, with its dispatch as an
   * outbox; then sends it and clears the outbox. Large work items go to R2 first, with other
   * events held off meanwhile so no transition is computed from the state being replaced.
   */
  private async commit(transition: Transition, previousStatus: RunStatus | undefined, createdMeta?: RunMeta): Promise<void> {
    const meta: RunMeta = { ...(createdMeta ?? (this.meta as RunMeta)), updated_at: new Date().toISOString() };
    const changes = stateChanges(this.state, transition.state);
    const kv: Record<string, string> = { meta: JSON.stringify(meta) };
    const outboxKey = transition.dispatch.length > 0 ? `outbox:${String(this.outboxSeq++).padStart(12, "0")}` : undefined;
    if (outboxKey) kv[outboxKey] = JSON.stringify(transition.dispatch.map((w) => w.id));
    const adopt = () => {
      this.rows.write(changes, kv);
      this.state = transition.state;
      this.meta = meta;
    };
    if (this.rows.needsSpill(changes)) {
      await this.ctx.blockConcurrencyWhile(async () => {
        for (const id of await this.rows.spill(meta.id, changes)) this.spilled.add(id);
        adopt();
      });
    } else {
      adopt();
    }
    if (outboxKey) {
      this.sending.add(outboxKey);
      try {
        await this.send(transition.dispatch);
        this.rows.write({ put: [], delete: [] }, { [outboxKey]: null });
      } finally {
        this.sending.delete(outboxKey);
      }
    }
    const status = transition.state.status;
    if (status !== previousStatus) await this.onStatusChange(status);
    await this.armAlarm();
  }

  private async flushOutbox(): Promise<void> {
    for (const { key, value } of this.rows.listKv("outbox:")) {
      if (this.sending.has(key)) continue;
      const inflight = this.state?.inflight ?? {};
      const works = outboxSchema.parse(JSON.parse(value)).flatMap((id) => (inflight[id] ? [inflight[id].work] : []));
      await this.send(works);
      this.rows.write({ put: [], delete: [] }, { [key]: null });
    }
  }

  /** Generator requests, Parquet writes and the finalizer go to the control queue, so they never wait behind slow LLM batches. */
  private async send(works: WorkItem[]): Promise<void> {
    const control: MessageSendRequest<WorkMessage>[] = [];
    const steps: MessageSendRequest<WorkMessage>[] = [];
    for (const work of works) {
      const message = await this.message(work);
      (work.type === "process" ? steps : control).push({ body: message, contentType: "json" });
    }
    await sendAll(this.env.CONTROL_QUEUE, control);
    await sendAll(this.env.STEP_QUEUE, steps);
  }

  private async message(work: WorkItem): Promise<WorkMessage> {
    const key = runKeys.work(work.run_id, work.id);
    if (this.spilled.has(work.id)) return { run_id: work.run_id, work_id: work.id, work_ref: key };
    const inline: WorkMessage = { run_id: work.run_id, work };
    if (JSON.stringify(inline).length <= MAX_INLINE_MESSAGE_BYTES) return inline;
    await this.env.DATA.put(key, JSON.stringify(work), { httpMetadata: { contentType: "application/json" } });
    return { run_id: work.run_id, work_id: work.id, work_ref: key };
  }

  private async onStatusChange(status: RunStatus): Promise<void> {
    const { meta, state } = this.requireRun();
    const line = state.error ? `${status}: ${state.error.message}` : state.stop && (status === "stopping" || status === "stopped") ? `${status} (${state.stop.reason}): ${state.stop.message}` : status;
    this.appendLog([`${new Date().toISOString()} ${status === "failed" ? "ERROR" : "INFO"} Run status: ${line}`]);
    const index = this.env.RUN_INDEX.get(this.env.RUN_INDEX.idFromName("index")) as unknown as DurableObjectStub<RunIndex>;
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
    if (TERMINAL.includes(status) && !meta.dry_run) {
      const steps = reusableSteps(state.plan, state.steps);
      const registered = await index.registerStepOutputs({ run_id: meta.id, routing_seed: state.plan.seed, created_at: meta.created_at, steps });
      if (!registered.ok) throw new DistilflareError("internal", `Could not register the run's step outputs: ${registered.error.message}`);
    }
    if (TERMINAL.includes(status)) await this.env.DATA.put(runKeys.log(meta.id), this.logText(), { httpMetadata: { contentType: "text/plain" } });
    if (status === "succeeded" && pushIsDue(this.push)) await this.setAlarmAt(Date.now());
  }

  private appendLog(lines: readonly string[]): void {
    if (lines.length === 0) return;
    const sql = this.ctx.storage.sql;
    for (const line of lines) sql.exec("INSERT INTO log (line) VALUES (?)", line);
    sql.exec("DELETE FROM log WHERE id <= (SELECT MAX(id) FROM log) - ?", MAX_LOG_LINES);
  }

  private logText(): string {
    const rows = this.ctx.storage.sql.exec<{ line: string }>("SELECT line FROM log ORDER BY id").toArray();
    return rows.map((r) => r.line).join("\n") + (rows.length > 0 ? "\n" : "");
  }
}

/** Work sent again to poll its provider batch job, apart from work presumed lost (for the log). */
function partitionPolls(state: RunState, works: WorkItem[]): [string[], string[]] {
  const entries = works.map((w) => state.inflight[w.id]);
  return [
    works.filter((_, i) => entries[i] && awaitingPoll(entries[i])).map((w) => w.id),
    works.filter((_, i) => !(entries[i] && awaitingPoll(entries[i]))).map((w) => w.id),
  ];
}

/** Queues take at most 100 messages and 256 KB per sendBatch. */
async function sendAll(queue: Queue, messages: MessageSendRequest<WorkMessage>[]): Promise<void> {
  let batch: MessageSendRequest<WorkMessage>[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = JSON.stringify(message.body).length + 100;
    if (batch.length > 0 && (batch.length === 100 || bytes + size > 250_000)) {
      await queue.sendBatch(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(message);
    bytes += size;
  }
  if (batch.length > 0) await queue.sendBatch(batch);
}
