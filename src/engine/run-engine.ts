import { DistilflareError } from "../errors.js";
import type { RoutingChooser } from "../pipeline/routing-batch-function.js";
import { stalledSteps, stallMessage } from "./progress-check.js";
import type { PendingOutput, RunState } from "./run-state.js";
import { workReportSchema, type WorkItem, type WorkReport, type WorkReportInput } from "./work.js";
import { copyRunState } from "./state-copy.js";
import { mergeBudget, openLedger, type RunBudget } from "./run-budget.js";
import { DEFAULT_PRICES, type PriceTable } from "../llms/pricing/price-table.js";
import { recordWorkTime, trackInflight } from "./work-tracking.js";
import { activeInflightCount, awaitOfflineBatch } from "./offline-batch-wait.js";
import { failRunInPlace } from "./run-failure.js";
import { applyOutputsInOrder, markDone } from "./step-outputs.js";
import { WORK_TYPES, workTypeOf } from "./work-types/index.js";

export type RoutingResolver = (typeName: string, kwargs: Record<string, unknown>) => RoutingChooser;

export interface EngineContext {
  /** Milliseconds since the epoch; passed in so transitions stay pure. */
  now: number;
  routing: RoutingResolver;
  /** Prices a budget's `max_cost_usd` is counted in (the deployment's table; defaults when absent). */
  prices?: PriceTable | undefined;
}

/** A transition's result: the next state and the work to send. The input state is never modified. */
export interface Transition {
  state: RunState;
  dispatch: WorkItem[];
}

/**
 * Starts a pending run: requests the first batches of the first stage. Steps the plan marks
 * reused (`reused_from`) are never sent: the outputs given for them (`reused`, each step's
 * complete stored outputs) are applied as if they had just been produced, in seq order, and a
 * reused step whose successors are all reused is simply done.
 */
export function startRun(input: RunState, context: EngineContext, reused: Record<string, readonly PendingOutput[]> = {}): Transition {
  if (input.status !== "pending") throw new DistilflareError("conflict", `Run '${input.run_id}' has already started (status ${input.status})`);
  const state = copyRunState(input);
  state.status = "running";
  for (const name of state.plan.order) {
    const step = state.steps[name];
    if (!step || !state.plan.steps[name]?.reused_from) continue;
    const outputs = reused[name] ?? [];
    if (outputs.length === 0) {
      markDone(state, name);
      continue;
    }
    step.batches_sent = step.batches_done = outputs.length;
    step.rows_out = outputs.reduce((sum, o) => sum + o.num_rows, 0);
    step.next_seq_no = outputs.length;
    step.next_offset = step.rows_out;
    step.pending_outputs = outputs.map((o) => ({ ...o }));
    const routingError = applyOutputsInOrder(state, name, context);
    if (routingError) {
      failRunInPlace(state, { code: "invalid_dag", message: routingError, step: name }, undefined, context.now);
      return { state, dispatch: [] };
    }
  }
  return { state, dispatch: pump(state, context) };
}

/** The output a report adds to its step (what a later run reusing the step is fed); none for work that is not a step's batch. */
export function reportedOutput(work: WorkItem, report: WorkReport): PendingOutput | undefined {
  return workTypeOf(work).reportedOutput?.(work, report);
}

/**
 * Applies a worker's report. A report whose work is not in flight (a duplicate delivery, a
 * re-dispatched batch reported twice) changes nothing.
 */
export function applyReport(input: RunState, reportInput: WorkReportInput, context: EngineContext): Transition {
  const report = workReportSchema.parse(reportInput);
  const entry = input.inflight[report.id];
  if (!entry) return { state: input, dispatch: [] };
  if (report.offline_batch) return { state: awaitOfflineBatch(input, report, context.now), dispatch: [] };
  const state = copyRunState(input);
  delete state.inflight[report.id];
  recordWorkTime(state, entry, context.now);
  const work = entry.work;
  // A failed run still applies what its in-flight work produced (pump sends nothing while it is
  // not running): dropping it would lose those rows and leave a resumed run waiting for them.
  if (state.status === "succeeded") return { state, dispatch: [] };

  const next = workTypeOf(work).applyReport(state, work, report, context);
  return { state, dispatch: next ? pump(state, context) : [] };
}

/** A graceful stop: in-flight batches finish and are kept, nothing new is sent. */
export function stopRun(input: RunState): Transition {
  if (input.status !== "running" && input.status !== "pending") {
    throw new DistilflareError("conflict", `Run '${input.run_id}' cannot be stopped from status '${input.status}'`);
  }
  const state = copyRunState(input);
  state.status = activeInflightCount(state) === 0 ? "stopped" : "stopping";
  state.stop = { reason: "requested", message: "stop requested" };
  return { state, dispatch: [] };
}

/**
 * Carries on a stopped or failed run from its state; failed work is sent again. `budget` changes
 * the run's limits (a given field replaces the stored one, null lifts it). A resume that would
 * stop at the budget again at once, sending nothing, is refused: the run stays as it was.
 */
export function resumeRun(input: RunState, context: EngineContext, options: { budget?: Partial<RunBudget> | undefined } = {}): Transition {
  if (!["stopped", "stopping", "failed"].includes(input.status)) {
    throw new DistilflareError("conflict", `Run '${input.run_id}' cannot be resumed from status '${input.status}'`);
  }
  const state = copyRunState(input);
  state.status = "running";
  state.error = null;
  state.budget = mergeBudget(state.budget, options.budget);
  state.stop = null;
  const dispatch: WorkItem[] = Object.values(state.inflight).map((e) => {
    e.dispatched_at = context.now;
    return e.work;
  });
  for (const work of state.failed_work) {
    workTypeOf(work).retrack(state, work);
    trackInflight(state, work, context.now);
    dispatch.push(work);
  }
  state.failed_work = [];
  dispatch.push(...pump(state, context));
  const stop = stopOf(state);
  if (dispatch.length === 0 && stop?.reason === "budget") {
    throw new DistilflareError(
      "conflict",
      `Run '${input.run_id}' cannot resume within its budget: ${stop.message}; resume with a higher max_requests or max_cost_usd`,
      { field: stop.limit, budget: state.budget },
    );
  }
  return { state, dispatch };
}

/** Why the run stopped (read through a call: a transition that cleared it has TypeScript believe it stays null). */
function stopOf(state: RunState): RunState["stop"] {
  return state.stop;
}

/** Fails the run (e.g. its dead-letter queue got a generator batch). */
export function failRun(input: RunState, error: { code: string; message: string; step?: string }, context: { now: number }): Transition {
  const state = copyRunState(input);
  const entry = Object.values(state.inflight).find((e) => "step" in e.work && e.work.step === error.step);
  if (entry) workTypeOf(entry.work).release(state, entry.work);
  failRunInPlace(state, error, entry?.work, context.now);
  return { state, dispatch: [] };
}

/** Sends every batch that can be built now, generator requests, Parquet writes and the finalizer. */
function pump(state: RunState, context: EngineContext): WorkItem[] {
  if (state.status === "stopping" && activeInflightCount(state) === 0) state.status = "stopped";
  if (state.status !== "running") return [];
  const dispatch: WorkItem[] = [];
  const ledger = openLedger(state, context.prices ?? DEFAULT_PRICES);
  for (;;) {
    // In the table's order: batches before generator requests (building them drains the
    // buffers, so a generator is asked for its next batch in the same transition and generation
    // overlaps processing), Parquet writes, then the finalizer once the run is settled.
    for (const kind of Object.values(WORK_TYPES)) dispatch.push(...(kind.send?.(state, context, ledger) ?? []));
    if (!advanceStage(state)) break;
  }
  if (ledger?.refused) {
    // Like a requested stop: what is in flight finishes and is kept; a resume with a higher budget carries on.
    state.status = activeInflightCount(state) === 0 ? "stopped" : "stopping";
    state.stop = { reason: "budget", message: ledger.refused.message, limit: ledger.refused.limit };
    return dispatch;
  }
  failIfStalled(state, context.now);
  return dispatch;
}

/** A run that can never progress fails now, naming what each unfinished step waits for, instead of staying `running`. */
function failIfStalled(state: RunState, now: number): void {
  const stalled = stalledSteps(state);
  if (stalled) failRunInPlace(state, { code: "run_stalled", message: stallMessage(stalled) }, undefined, now);
}

/** Moves to the next load stage once every last step of the current one has sent its last batch. */
function advanceStage(state: RunState): boolean {
  const current = state.stage.current;
  if (current + 1 >= state.plan.stages.length) return false;
  const lastSteps = state.plan.stage_last_steps[current] ?? [];
  if (!lastSteps.every((name) => state.steps[name]?.done)) return false;
  state.stage.current++;
  return true;
}
