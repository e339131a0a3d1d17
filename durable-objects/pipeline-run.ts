import { DurableObject } from "cloudflare:workers";
import { NotFoundError } from "../src/errors.js";
import { startRun, stopRun, type EngineContext, type Transition } from "../src/engine/run-engine.js";
import { applyReportFusing } from "../src/engine/fused-report.js";
import type { RunPlan } from "../src/engine/run-plan.js";
import { createRunState, type PendingOutput, type RunState, type RunStatus } from "../src/engine/run-state.js";
import { reuseLogLines } from "../src/engine/step-reuse.js";
import { stateChanges, stateFromRows } from "../src/engine/run-state-rows.js";
import { LastValueCache } from "../src/engine/run-view-cache.js";
import { runView, type RunMeta, type RunView } from "../src/engine/run-view.js";
import type { WorkItem, WorkReportInput } from "../src/engine/work.js";
import { abandonWork, failWork, renewLease, resumeRunOrResend, startWork, type LeasePolicy, type StartOutcome } from "../src/engine/work-leases.js";
import type { PushToHubRequest, PushToHubStatus } from "../src/hub/scheduled-push.js";
import { ownerPrices, type PriceTable } from "../src/llms/pricing/price-table.js";
import { hasLimit, type RunBudget } from "../src/engine/run-budget.js";
import type { WorkMessage } from "../src/runtime/queue-message.js";
import { logLine, statusLogLine } from "../src/runtime/run-log-line.js";
import { encodeRunValue } from "../src/runtime/run-object-values.js";
import { leasePolicyFrom, lostWorkCheck } from "../src/runtime/run-watchdog.js";
import { routingResolver } from "../src/runtime/routing-resolver.js";
import { runtimeRegistry } from "../src/runtime/runtime-registry.js";
import { RunHubPush } from "./run-hub-push.js";
import { isTerminal, recordRunStatus } from "./run-index-sync.js";
import { RunLog } from "./run-log.js";
import { RunOutbox } from "./run-outbox.js";
import { rpc, type RpcResult } from "./rpc-result.js";
import { RunStorage } from "./run-storage.js";
import { RunWatchdog } from "./run-watchdog.js";
import { StepOutputsLog } from "./step-outputs-log.js";

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

/**
 * One object per run: holds the engine state in its own SQLite storage, one row per record
 * (`src/engine/run-state-rows.ts`), decides what runs next and sends it to the queues. It never
 * holds rows of data. Every change is written before the in-memory state moves to it, so the
 * object can be evicted or restarted at any moment and carry on from storage alone; work a
 * consumer holds is leased, and work whose lease lapses (or that never started) is sent again.
 *
 * The object only wires its parts: the state store (`RunStorage`), the outbox (`RunOutbox`), the
 * alarm (`RunWatchdog`), the Hub push (`RunHubPush`), the run log (`RunLog`), the step outputs a
 * later run may reuse (`StepOutputsLog`) and the run index (`recordRunStatus`).
 */
export class PipelineRun extends DurableObject<Env> {
  private meta: RunMeta | undefined;
  private state: RunState | undefined;
  private readonly rows: RunStorage;
  /** Work items whose JSON is in R2 already (kept there by `RunStorage.spill`). */
  private readonly spilled = new Set<string>();
  private readonly outbox: RunOutbox;
  private readonly watchdog: RunWatchdog;
  private readonly log: RunLog;
  private readonly push: RunHubPush;
  private readonly outputsLog: StepOutputsLog;
  /** The deployment's prices, which a `max_cost_usd` budget is counted in. */
  private readonly prices: PriceTable;
  /** The last status view, until the state, meta or push changes. */
  private readonly views = new LastValueCache<[RunMeta, RunState, PushToHubStatus | undefined], RunView>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.rows = new RunStorage(ctx.storage, env.DATA);
    this.outbox = new RunOutbox(this.rows, this.spilled);
    this.watchdog = new RunWatchdog(ctx.storage);
    this.log = new RunLog(ctx.storage.sql);
    this.push = new RunHubPush(this.rows, this.watchdog, this.log);
    this.outputsLog = new StepOutputsLog(ctx.storage.sql);
    this.prices = ownerPrices(env as unknown as Record<string, unknown>);
    ctx.blockConcurrencyWhile(async () => this.load());
  }

  private async load(): Promise<void> {
    const meta = this.rows.readValue("meta", "meta");
    if (!meta) return;
    this.meta = meta;
    this.state = stateFromRows(await this.rows.readRows(this.spilled));
    this.outbox.load();
    await this.push.load();
    await this.watchdog.load();
  }

  private context(): EngineContext {
    return { now: Date.now(), routing: routingResolver(runtimeRegistry()), prices: this.prices };
  }

  private policy(): LeasePolicy {
    return leasePolicyFrom(this.env.WORK_LEASE_SECONDS);
  }

  private requireRun(): { meta: RunMeta; state: RunState } {
    if (!this.meta || !this.state) throw new NotFoundError(`Run not found`);
    return { meta: this.meta, state: this.state };
  }

  /** Creates and starts the run; a second call with the same run returns it unchanged. */
  async create(input: CreateRunInput): Promise<RpcResult<RunView>> {
    return rpc(async () => {
      if (this.meta && this.state) return runView(this.meta, this.state, this.prices);
      const state: RunState = { ...createRunState(input.meta.id, input.plan), ...(hasLimit(input.budget) ? { budget: input.budget } : {}) };
      const transition = startRun(state, this.context(), input.reused);
      if (input.push_to_hub) this.push.save(input.push_to_hub);
      const at = new Date();
      this.log.append([
        logLine(
          "INFO",
          `Run '${input.meta.id}' of pipeline '${input.meta.name}' created (${input.plan.order.length} steps, ${input.plan.stages.length} stage(s))`,
          at,
        ),
        ...reuseLogLines(input.plan).map((line) => logLine("INFO", line, at)),
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
      this.log.append(report.log ?? []);
      const fused = transition.fused;
      if (fused && "seq_no" in fused.work)
        this.log.append([logLine("INFO", `[${fused.work.step}] batch ${fused.work.seq_no} fused: it runs in the invocation that ran ${report.id}`)]);
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
        if (!transition.outcome.granted) this.log.append([logLine("ERROR", `Work '${input.work_id}' ran out of attempts`)]);
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
      await this.lookForLostWork(false);
      return this.view();
    });
  }

  async stop(): Promise<RpcResult<RunView>> {
    return rpc(async () => {
      const { state } = this.requireRun();
      const transition = stopRun(state);
      this.log.append([logLine("INFO", "Stop requested")]);
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
      this.log.append([logLine("INFO", `Resumed: ${what}${budget}`)]);
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
      this.log.append([logLine("ERROR", `Work '${input.work_id}' was dead-lettered: ${input.message}`)]);
      await this.commit(transition, state.status);
      return this.view();
    });
  }

  /** Asks for a push to the Hub when the run succeeds (now, if it already has). */
  async requestPush(request: PushToHubRequest): Promise<RpcResult<RunView>> {
    return rpc(async () => {
      const { state } = this.requireRun();
      this.push.save(request);
      if (state.status === "succeeded") await this.watchdog.setAt(Date.now());
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
      return this.log.text();
    });
  }

  override async alarm(): Promise<void> {
    this.watchdog.rang();
    await this.lookForLostWork(true);
    if (this.meta && this.state?.status === "succeeded") await this.push.runIfDue(this.meta, this.env);
  }

  /** A work item's queue message (large items go through R2). */
  private message(work: WorkItem): Promise<WorkMessage> {
    return this.outbox.message(work, this.env);
  }

  private view(): RunView {
    const { meta, state } = this.requireRun();
    const push = this.push.status;
    return this.views.get([meta, state, push], () => {
      const view = runView(meta, state, this.prices);
      return push ? Object.assign(view, { push_to_hub: push }) : view;
    });
  }

  /** Flushes any outbox a crash left behind and sends again the work presumed lost or due a poll. */
  private async lookForLostWork(fromAlarm: boolean): Promise<void> {
    if (!this.state || !this.meta) return;
    const now = Date.now();
    if (!this.watchdog.shouldLook(fromAlarm, now)) return;
    await this.outbox.flush(this.state.inflight, this.env);
    const state = this.state;
    const { transition, log } = lostWorkCheck(state, now, this.policy());
    if (transition.dispatch.length > 0) {
      this.log.append(log);
      await this.commit(transition, state.status);
    } else if (fromAlarm) {
      await this.watchdog.arm(state, this.policy());
    }
  }

  /**
   * Writes what the transition changed and only then adopts it, with its dispatch as an
   * outbox; then sends it and clears the outbox. Large work items go to R2 first, with other
   * events held off meanwhile so no transition is computed from the state being replaced.
   */
  private async commit(transition: Transition, previousStatus: RunStatus | undefined, createdMeta?: RunMeta): Promise<void> {
    const base = createdMeta ?? this.meta;
    if (!base) throw new NotFoundError(`Run not found`);
    const meta: RunMeta = { ...base, updated_at: new Date().toISOString() };
    const changes = stateChanges(this.state, transition.state);
    const outbox = this.outbox.open(transition.dispatch);
    const values: Record<string, string> = { meta: encodeRunValue("meta", meta), ...(outbox ? { [outbox.key]: outbox.value } : {}) };
    const adopt = () => {
      this.rows.write(changes, values);
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
    if (outbox) await this.outbox.deliver(outbox.key, transition.dispatch, this.env);
    const status = transition.state.status;
    if (status !== previousStatus) await this.onStatusChange(status);
    await this.watchdog.arm(transition.state, this.policy());
  }

  private async onStatusChange(status: RunStatus): Promise<void> {
    const { meta, state } = this.requireRun();
    this.log.append([statusLogLine(status, state)]);
    await recordRunStatus(this.env.RUN_INDEX, meta, state, status);
    if (isTerminal(status)) await this.log.saveTo(this.env.DATA, meta.id);
    if (status === "succeeded" && this.push.isDue()) await this.watchdog.setAt(Date.now());
  }
}
