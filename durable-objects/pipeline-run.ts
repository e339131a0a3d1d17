import { DurableObject } from "cloudflare:workers";
import { DistilflareError, NotFoundError } from "../src/errors.js";
import type { BatchManagerStepState } from "../src/engine/batch-manager-step.js";
import { applyReport, failRun, redispatchStale, resumeRun, startRun, stopRun, type EngineContext, type Transition } from "../src/engine/run-engine.js";
import type { RunPlan } from "../src/engine/run-plan.js";
import { createRunState, type RunState, type RunStatus } from "../src/engine/run-state.js";
import { runView, totalFailedRows, type RunMeta, type RunView } from "../src/engine/run-view.js";
import type { WorkItem, WorkReportInput } from "../src/engine/work.js";
import { executePush, pendingPush, pushIsDue, PUSH_RETRY_AFTER_MS, type PushToHubRequest, type PushToHubStatus } from "../src/hub/scheduled-push.js";
import { MAX_INLINE_MESSAGE_BYTES, type WorkMessage } from "../src/runtime/queue-message.js";
import { runKeys } from "../src/runtime/run-keys.js";
import { routingResolver } from "../src/runtime/routing-resolver.js";
import { runtimeRegistry } from "../src/runtime/runtime-registry.js";
import { workerServices } from "../queues/worker-services.js";
import { R2BlobStore } from "../worker/r2-blob-store.js";
import { rpc, type RpcResult } from "./rpc-result.js";
import { ownerPrices } from "../src/llms/pricing/price-table.js";
import type { RunIndex } from "./run-index.js";

export interface CreateRunInput {
  meta: RunMeta;
  plan: RunPlan;
  /** Push the Distiset to the Hub once the run succeeds. */
  push_to_hub?: PushToHubRequest | undefined;
}

const WATCHDOG_INTERVAL_MS = 30_000;
const MAX_LOG_LINES = 20_000;
const TERMINAL: RunStatus[] = ["succeeded", "failed", "stopped"];

/**
 * One object per run: holds the engine state in its own storage (rewritten on every
 * transition), decides what runs next and sends it to the queues. It never holds rows. It can
 * be evicted or restarted at any moment: everything it needs is read back from storage, and
 * work that was sent but never reported is sent again by a watchdog.
 */
export class PipelineRun extends DurableObject<Env> {
  private meta: RunMeta | undefined;
  private state: RunState | undefined;
  /** The JSON last written per storage key, so unchanged step buffers are not rewritten. */
  private readonly written = new Map<string, string>();
  private outboxSeq = 0;
  private lastWatchdog = 0;
  /** Outbox keys a commit is sending right now (the watchdog leaves them alone). */
  private readonly sending = new Set<string>();
  /** The requested push and its outcome (storage key `push`; its token, if given, under `push:token`). */
  private push: PushToHubStatus | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => this.load());
  }

  private async load(): Promise<void> {
    this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS log (id INTEGER PRIMARY KEY AUTOINCREMENT, line TEXT NOT NULL)");
    const meta = await this.ctx.storage.get<string>("meta");
    const core = await this.ctx.storage.get<string>("core");
    if (!meta || !core) return;
    this.meta = JSON.parse(meta) as RunMeta;
    const state = JSON.parse(core) as RunState;
    const managers = await this.ctx.storage.list<string>({ prefix: "bm:" });
    state.batch_managers = {};
    for (const [key, value] of managers) {
      state.batch_managers[key.slice(3)] = JSON.parse(value) as BatchManagerStepState;
      this.written.set(key, value);
    }
    this.written.set("core", core);
    this.state = state;
    const outbox = await this.ctx.storage.list<string>({ prefix: "outbox:" });
    this.outboxSeq = outbox.size;
    const push = await this.ctx.storage.get<string>("push");
    if (push) this.push = JSON.parse(push) as PushToHubStatus;
  }

  private context(): EngineContext {
    return { now: Date.now(), routing: routingResolver(runtimeRegistry()) };
  }

  private requireRun(): { meta: RunMeta; state: RunState } {
    if (!this.meta || !this.state) throw new NotFoundError(`Run not found`);
    return { meta: this.meta, state: this.state };
  }

  /** Creates and starts the run; a second call with the same run returns it unchanged. */
  async create(input: CreateRunInput): Promise<RpcResult<RunView>> {
    return rpc(async () => {
      if (this.meta && this.state) return runView(this.meta, this.state, ownerPrices(this.env as unknown as Record<string, unknown>));
      this.meta = input.meta;
      const state = createRunState(input.meta.id, input.plan);
      if (input.push_to_hub) await this.savePush(input.push_to_hub);
      this.appendLog([`${new Date().toISOString()} INFO Run '${input.meta.id}' of pipeline '${input.meta.name}' created (${input.plan.order.length} steps, ${input.plan.stages.length} stage(s))`]);
      await this.commit(startRun(state, this.context()), undefined);
      return this.view();
    });
  }

  /** A worker's report. Duplicates and reports of unknown work change nothing. */
  async report(report: WorkReportInput): Promise<RpcResult<{ accepted: boolean }>> {
    return rpc(async () => {
      const { state } = this.requireRun();
      const transition = applyReport(state, report, this.context());
      if (transition.state === state) return { accepted: false };
      this.appendLog(report.log ?? []);
      await this.commit(transition, state.status);
      return { accepted: true };
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
      this.appendLog([`${new Date().toISOString()} INFO Stop requested`]);
      await this.commit(stopRun(state), state.status);
      return this.view();
    });
  }

  async resume(): Promise<RpcResult<RunView>> {
    return rpc(async () => {
      const { state } = this.requireRun();
      if (state.status === "running" || state.status === "pending") return this.view();
      this.appendLog([`${new Date().toISOString()} INFO Resumed from status '${state.status}'`]);
      await this.commit(resumeRun(state, this.context()), state.status);
      return this.view();
    });
  }

  /** A message that kept failing reached the dead-letter queue and cannot be imputed: the run fails with why. */
  async deadLetter(input: { work_id: string; step?: string | undefined; message: string }): Promise<RpcResult<RunView>> {
    return rpc(async () => {
      const { state } = this.requireRun();
      if (!state.inflight[input.work_id]) return this.view();
      this.appendLog([`${new Date().toISOString()} ERROR Work '${input.work_id}' was dead-lettered: ${input.message}`]);
      await this.commit(failRun(state, { code: "step_failed", message: `dead-lettered after its retries: ${input.message}`, step: input.step }, { now: Date.now() }), state.status);
      return this.view();
    });
  }

  /** Asks for a push to the Hub when the run succeeds (now, if it already has). */
  async requestPush(request: PushToHubRequest): Promise<RpcResult<RunView>> {
    return rpc(async () => {
      const { state } = this.requireRun();
      await this.savePush(request);
      if (state.status === "succeeded") await this.ctx.storage.setAlarm(Date.now());
      return this.view();
    });
  }

  async logs(): Promise<RpcResult<string>> {
    return rpc(() => {
      this.requireRun();
      return this.logText();
    });
  }

  override async alarm(): Promise<void> {
    await this.watchdog(true);
    await this.pushIfDue();
  }

  private view(): RunView {
    const { meta, state } = this.requireRun();
    const view = runView(meta, state, ownerPrices(this.env as unknown as Record<string, unknown>));
    return this.push ? Object.assign(view, { push_to_hub: this.push }) : view;
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
   * set first, so a push cut off by an eviction is tried again; the token is deleted after it.
   */
  private async pushIfDue(): Promise<void> {
    const push = this.push;
    if (!this.meta || this.state?.status !== "succeeded" || !push || !pushIsDue(push)) return;
    const running: PushToHubStatus = { ...push, status: "running", started_at: new Date().toISOString() };
    this.push = running;
    await this.ctx.storage.put("push", JSON.stringify(running));
    await this.ctx.storage.setAlarm(Date.now() + PUSH_RETRY_AFTER_MS + 1_000);
    const token = await this.ctx.storage.get<string>("push:token");
    const result = await executePush({ store: new R2BlobStore(this.env.DATA), runId: this.meta.id, push: running, token, services: workerServices(this.env) });
    this.push = result;
    await this.ctx.storage.put("push", JSON.stringify(result));
    await this.ctx.storage.delete("push:token");
    await this.ctx.storage.deleteAlarm();
    const line = result.status === "succeeded" ? `INFO Pushed the Distiset to ${result.url}` : `ERROR Push to '${result.repo_id}' failed: ${result.error?.message ?? "unknown error"}`;
    this.appendLog([`${new Date().toISOString()} ${line}`]);
    await this.env.DATA.put(runKeys.log(this.meta.id), this.logText(), { httpMetadata: { contentType: "text/plain" } });
  }

  /**
   * Sends work again that was dispatched long ago and never reported (lost messages: a local
   * queue keeps nothing across a restart) and flushes any outbox a crash left behind.
   */
  private async watchdog(fromAlarm: boolean): Promise<void> {
    if (!this.state || !this.meta) return;
    const now = Date.now();
    if (!fromAlarm && now - this.lastWatchdog < 5_000) return;
    this.lastWatchdog = now;
    await this.flushOutbox();
    const after = Number(this.env.REDISPATCH_AFTER_SECONDS ?? "900") * 1000;
    const transition = redispatchStale(this.state, { now }, after);
    if (transition.dispatch.length > 0) {
      this.appendLog([`${new Date(now).toISOString()} WARNING Re-sending ${transition.dispatch.length} work item(s) that never reported: ${transition.dispatch.map((w) => w.id).join(", ")}`]);
      await this.commit(transition, this.state.status);
    } else if (fromAlarm) {
      await this.scheduleWatchdog();
    }
  }

  private async scheduleWatchdog(): Promise<void> {
    if (this.state && (this.state.status === "running" || this.state.status === "stopping")) {
      await this.ctx.storage.setAlarm(Date.now() + WATCHDOG_INTERVAL_MS);
    }
  }

  /** Persists the new state with its dispatch as an outbox, sends it, then clears the outbox. */
  private async commit(transition: Transition, previousStatus: RunStatus | undefined): Promise<void> {
    const meta = this.meta as RunMeta;
    this.state = transition.state;
    meta.updated_at = new Date().toISOString();
    const outboxKey = transition.dispatch.length > 0 ? `outbox:${Date.now()}:${this.outboxSeq++}` : undefined;
    await this.persist(transition.state, outboxKey ? { [outboxKey]: JSON.stringify(transition.dispatch) } : {});
    if (outboxKey) {
      this.sending.add(outboxKey);
      try {
        await this.send(transition.dispatch);
        await this.ctx.storage.delete(outboxKey);
      } finally {
        this.sending.delete(outboxKey);
      }
    }
    const status = transition.state.status;
    if (status !== previousStatus) await this.onStatusChange(status);
    await this.scheduleWatchdog();
  }

  private async persist(state: RunState, extra: Record<string, string>): Promise<void> {
    const { batch_managers: managers, ...core } = state;
    const entries: Record<string, string> = { ...extra, meta: JSON.stringify(this.meta) };
    const coreJson = JSON.stringify({ ...core, batch_managers: {} });
    entries.core = coreJson;
    for (const [step, manager] of Object.entries(managers)) {
      const key = `bm:${step}`;
      const json = JSON.stringify(manager);
      if (this.written.get(key) !== json) entries[key] = json;
    }
    const keys = Object.keys(entries);
    // Recorded before the puts: reports interleave at awaits, and storage applies puts in the
    // order they are issued, so this must track the last put issued, not the last one finished.
    for (const key of keys) if (key.startsWith("bm:") || key === "core") this.written.set(key, entries[key] as string);
    for (let i = 0; i < keys.length; i += 128) {
      const chunk = Object.fromEntries(keys.slice(i, i + 128).map((k) => [k, entries[k]]));
      await this.ctx.storage.put(chunk);
    }
  }

  private async flushOutbox(): Promise<void> {
    const outbox = await this.ctx.storage.list<string>({ prefix: "outbox:" });
    for (const [key, value] of outbox) {
      // A commit still sending its outbox is not lost: sending it again here would only duplicate its work.
      if (this.sending.has(key)) continue;
      await this.send(JSON.parse(value) as WorkItem[]);
      await this.ctx.storage.delete(key);
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
    const inline: WorkMessage = { run_id: work.run_id, work };
    if (JSON.stringify(inline).length <= MAX_INLINE_MESSAGE_BYTES) return inline;
    const key = runKeys.work(work.run_id, work.id);
    await this.env.DATA.put(key, JSON.stringify(work), { httpMetadata: { contentType: "application/json" } });
    return { run_id: work.run_id, work_id: work.id, work_ref: key };
  }

  private async onStatusChange(status: RunStatus): Promise<void> {
    const { meta, state } = this.requireRun();
    const line = state.error ? `${status}: ${state.error.message}` : status;
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
    if (TERMINAL.includes(status)) await this.env.DATA.put(runKeys.log(meta.id), this.logText(), { httpMetadata: { contentType: "text/plain" } });
    if (status === "succeeded" && pushIsDue(this.push)) await this.ctx.storage.setAlarm(Date.now());
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
