import { DistilflareError } from "../errors.js";
import { seededRandom } from "../core/random.js";
import type { RoutingChooser } from "../pipeline/routing-batch-function.js";
import { inputBatchRows, type CreatedFrom, type InputBatch } from "./batch.js";
import { addBatch, emptyBuffers, getBatch, setNextExpectedSeqNo } from "./batch-manager-step.js";
import { stalledSteps, stallMessage } from "./progress-check.js";
import { MAX_RECORDED_ERRORS, type PendingOutput, type RunState } from "./run-state.js";
import { workId, workReportSchema, type WorkItem, type WorkReport, type WorkReportInput } from "./work.js";
import { copyBatchManager, copyRunState } from "./state-copy.js";
import { admitBatch, mergeBudget, openLedger, type BudgetLedger, type RunBudget } from "./run-budget.js";
import { DEFAULT_PRICES, type PriceTable } from "../llms/pricing/price-table.js";
import { recordWorkTime, release, retrack, trackInflight } from "./work-tracking.js";
import { addUsage, type UsageByModel } from "../llms/usage/usage.js";
import { activeInflightCount, awaitOfflineBatch } from "./offline-batch-wait.js";

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

const clone = copyRunState;

/**
 * Starts a pending run: requests the first batches of the first stage. Steps the plan marks
 * reused (`reused_from`) are never sent: the outputs given for them (`reused`, each step's
 * complete stored outputs) are applied as if they had just been produced, in seq order, and a
 * reused step whose successors are all reused is simply done.
 */
export function startRun(input: RunState, context: EngineContext, reused: Record<string, readonly PendingOutput[]> = {}): Transition {
  if (input.status !== "pending") throw new DistilflareError("conflict", `Run '${input.run_id}' has already started (status ${input.status})`);
  const state = clone(input);
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

/** The output a generate/process report adds to its step (what a later run reusing the step is fed). */
export function reportedOutput(work: WorkItem, report: WorkReport): PendingOutput | undefined {
  if (work.type === "generate") {
    return { seq_no: work.seq_no, num_rows: report.num_rows, bytes: report.bytes, last_batch: report.last_batch || work.force_last_batch, created_from: {}, batch_routed_to: [] };
  }
  if (work.type === "process") {
    return { seq_no: work.seq_no, num_rows: report.num_rows, bytes: report.bytes, last_batch: work.last_batch, created_from: firstOrigin(work.created_from), batch_routed_to: work.batch_routed_to };
  }
  return undefined;
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
  const state = clone(input);
  delete state.inflight[report.id];
  recordWorkTime(state, entry, context.now);
  const work = entry.work;
  // A failed run still applies what its in-flight work produced (pump sends nothing while it is
  // not running): dropping it would lose those rows and leave a resumed run waiting for them.
  if (state.status === "succeeded") return { state, dispatch: [] };

  if (work.type === "generate" || work.type === "process") {
    const step = state.steps[work.step];
    if (!step) return { state, dispatch: [] };
    step.inflight = Math.max(0, step.inflight - 1);
    if (work.type === "generate") step.outstanding = false;
    if (report.usage) step.usage = addUsage(step.usage ?? {}, report.usage);
    if (report.fatal) {
      failRunInPlace(state, { ...report.fatal, step: work.step, seq_no: work.seq_no }, work, context.now);
      return { state, dispatch: [] };
    }
    recordErrors(state, work.step, work.seq_no, report.errors, context.now);
    step.batches_done++;
    step.rows_out += report.num_rows;
    step.failed_rows = (step.failed_rows ?? 0) + report.failed_rows;
    if (step.flagged) return { state, dispatch: pump(state, context) };
    if (work.type === "generate") {
      step.next_seq_no = work.seq_no + 1;
      step.next_offset = work.offset + report.num_rows;
    }
    step.pending_outputs.push(reportedOutput(work, report) as PendingOutput);
    step.pending_outputs.sort((a, b) => a.seq_no - b.seq_no);
    const routingError = applyOutputsInOrder(state, work.step, context);
    if (routingError) {
      failRunInPlace(state, { code: "invalid_dag", message: routingError, step: work.step }, undefined, context.now);
      return { state, dispatch: [] };
    }
  } else if (work.type === "write_parquet") {
    const leaf = state.leaves[work.step];
    if (leaf) {
      leaf.writing = Math.max(0, leaf.writing - 1);
      if (report.fatal) {
        failRunInPlace(state, { ...report.fatal, step: work.step }, work, context.now);
        return { state, dispatch: [] };
      }
      if (report.file) leaf.files.push({ ...report.file, file_index: work.file_index });
      leaf.files.sort((a, b) => a.file_index - b.file_index);
      for (const column of report.columns ?? []) if (!leaf.columns.includes(column)) leaf.columns.push(column);
    }
  } else {
    if (report.fatal) {
      state.finalize = "pending";
      failRunInPlace(state, report.fatal, work, context.now);
      return { state, dispatch: [] };
    }
    state.finalize = "done";
    state.status = "succeeded";
    return { state, dispatch: [] };
  }
  return { state, dispatch: pump(state, context) };
}

/** A graceful stop: in-flight batches finish and are kept, nothing new is sent. */
export function stopRun(input: RunState): Transition {
  if (input.status !== "running" && input.status !== "pending") {
    throw new DistilflareError("conflict", `Run '${input.run_id}' cannot be stopped from status '${input.status}'`);
  }
  const state = clone(input);
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
  const state = clone(input);
  state.status = "running";
  state.error = null;
  state.budget = mergeBudget(state.budget, options.budget);
  state.stop = null;
  const dispatch: WorkItem[] = Object.values(state.inflight).map((e) => {
    e.dispatched_at = context.now;
    return e.work;
  });
  for (const work of state.failed_work) {
    retrack(state, work);
    trackInflight(state, work, context.now);
    dispatch.push(work);
  }
  state.failed_work = [];
  dispatch.push(...pump(state, context));
  const stop = stopOf(state);
  if (dispatch.length === 0 && stop?.reason === "budget") {
    throw new DistilflareError("conflict", `Run '${input.run_id}' cannot resume within its budget: ${stop.message}; resume with a higher max_requests or max_cost_usd`, {
      field: stop.limit,
      budget: state.budget,
    });
  }
  return { state, dispatch };
}

/** Why the run stopped (read through a call: a transition that cleared it has TypeScript believe it stays null). */
function stopOf(state: RunState): RunState["stop"] {
  return state.stop;
}

/** Fails the run (e.g. its dead-letter queue got a generator batch). */
export function failRun(input: RunState, error: { code: string; message: string; step?: string }, context: { now: number }): Transition {
  const state = clone(input);
  const entry = Object.values(state.inflight).find((e) => "step" in e.work && e.work.step === error.step);
  if (entry) release(state, entry.work);
  failRunInPlace(state, error, entry?.work, context.now);
  return { state, dispatch: [] };
}

/**
 * Downstream only ever reads where a batch's first rows came from (convergence groups); a
 * global step's batch came from every upstream batch, and carrying all of them would make each
 * buffered batch as large as the whole run.
 */
function firstOrigin(createdFrom: CreatedFrom): CreatedFrom {
  const [step, origins] = Object.entries(createdFrom)[0] ?? [];
  return step && origins?.[0] ? { [step]: [origins[0]] } : {};
}

export function failRunInPlace(state: RunState, error: { code: string; message: string; step?: string | undefined; seq_no?: number | undefined }, work: WorkItem | undefined, now: number): void {
  state.status = "failed";
  state.error = { code: error.code, message: error.step ? `Step '${error.step}': ${error.message}` : error.message };
  recordErrors(state, error.step, error.seq_no, [{ code: error.code, message: error.message }], now);
  if (work) {
    delete state.inflight[work.id];
    if (!state.failed_work.some((w) => w.id === work.id)) state.failed_work.push(work);
    if (work.type === "generate") {
      const step = state.steps[work.step];
      if (step) step.outstanding = false;
    }
  }
}

function recordErrors(state: RunState, step: string | undefined, seqNo: number | undefined, errors: Array<{ code: string; message: string }>, now: number): void {
  for (const error of errors) {
    state.errors.push({ step, seq_no: seqNo, code: error.code, message: error.message, at: now });
    state.error_count++;
    if (step && state.steps[step]) state.steps[step].errors++;
  }
  if (state.errors.length > MAX_RECORDED_ERRORS) state.errors.splice(0, state.errors.length - MAX_RECORDED_ERRORS);
}

/** Applies a step's outputs strictly in seq order, so downstream sees them as distilabel's single process would. */
function applyOutputsInOrder(state: RunState, stepName: string, context: EngineContext): string | undefined {
  const step = state.steps[stepName];
  if (!step) return undefined;
  while (step.pending_outputs[0]?.seq_no === step.next_output_seq_no) {
    const output = step.pending_outputs.shift() as PendingOutput;
    step.next_output_seq_no++;
    const error = applyOutput(state, stepName, output, context);
    if (error) return error;
  }
  return undefined;
}

function applyOutput(state: RunState, stepName: string, output: PendingOutput, context: EngineContext): string | undefined {
  const plan = state.plan.steps[stepName];
  if (!plan) return undefined;
  if (plan.leaf) state.leaves[stepName]?.pending.push({ seq_no: output.seq_no, rows: output.num_rows, bytes: output.bytes });

  let routeTo = plan.successors;
  let routedTo = output.batch_routed_to;
  if (plan.routing && plan.successors.length > 0) {
    const choose = context.routing(plan.routing.type_name, plan.routing.kwargs);
    const random = seededRandom(`${plan.routing_seed ?? state.plan.seed}:${stepName}:${output.seq_no}`);
    const chosen = [...new Set(choose([...plan.successors], { step: stepName, seqNo: output.seq_no, random }))];
    const unknown = chosen.filter((s) => !plan.successors.includes(s));
    if (chosen.length === 0 || unknown.length > 0) {
      return `routing batch function '${plan.routing.type_name}' returned ${JSON.stringify(chosen)} for batch ${output.seq_no}; it must return a non-empty subset of ${JSON.stringify(plan.successors)}`;
    }
    routeTo = plan.successors.filter((s) => chosen.includes(s));
    routedTo = routeTo;
    for (const skipped of plan.successors.filter((s) => !chosen.includes(s))) {
      const manager = reusedStep(state, skipped) ? undefined : state.batch_managers[skipped];
      if (!manager) continue;
      // A successor skipped for the final batch must still learn that this step finished, or it
      // waits forever (a routed leaf would never end the run): it gets an empty last batch.
      if (output.last_batch) {
        addBatch(manager, { step: stepName, seq_no: output.seq_no, size: 0, consumed: 0, last_batch: true, created_from: {}, batch_routed_to: [] });
      } else {
        setNextExpectedSeqNo(manager, stepName, output.seq_no + 1);
      }
    }
  }
  for (const successor of routeTo) {
    // A reused successor is done from the start and never reads its inputs.
    const manager = reusedStep(state, successor) ? undefined : state.batch_managers[successor];
    if (!manager) continue;
    addBatch(manager, {
      step: stepName,
      seq_no: output.seq_no,
      size: output.num_rows,
      consumed: 0,
      last_batch: output.last_batch,
      created_from: output.created_from,
      batch_routed_to: routedTo,
    });
  }
  if (output.last_batch) markDone(state, stepName);
  return undefined;
}

function reusedStep(state: RunState, stepName: string): boolean {
  return state.plan.steps[stepName]?.reused_from !== undefined;
}

function markDone(state: RunState, stepName: string): void {
  const step = state.steps[stepName];
  if (!step || step.done) return;
  step.done = true;
  const stage = state.plan.steps[stepName]?.stage ?? 0;
  if (state.plan.stage_last_steps[stage]?.includes(stepName)) state.stage.last_batch[stage]?.push(stepName);
  // A successor that sent its last batch needs nothing more from its predecessors: steps that a
  // routing function never sent the final batch to would otherwise wait forever.
  for (const pred of state.plan.steps[stepName]?.predecessors ?? []) {
    const p = state.steps[pred];
    if (p && !p.done) {
      p.done = true;
      p.flagged = true;
    }
  }
}

/** Sends every batch that can be built now, generator requests, Parquet writes and the finalizer. */
function pump(state: RunState, context: EngineContext): WorkItem[] {
  if (state.status === "stopping" && activeInflightCount(state) === 0) state.status = "stopped";
  if (state.status !== "running") return [];
  const dispatch: WorkItem[] = [];
  const ledger = openLedger(state, context.prices ?? DEFAULT_PRICES);
  for (;;) {
    // Batches first: building them drains the buffers, so a generator is asked for its next
    // batch in the same transition and generation overlaps processing.
    dispatchBatches(state, context, dispatch, ledger);
    dispatchGenerators(state, context, dispatch, ledger);
    dispatchParquet(state, context, dispatch);
    if (!advanceStage(state)) break;
  }
  if (ledger?.refused) {
    // Like a requested stop: what is in flight finishes and is kept; a resume with a higher budget carries on.
    state.status = activeInflightCount(state) === 0 ? "stopped" : "stopping";
    state.stop = { reason: "budget", message: ledger.refused.message, limit: ledger.refused.limit };
    return dispatch;
  }
  const settled =
    Object.values(state.steps).every((s) => s.done) &&
    Object.values(state.leaves).every((l) => l.pending.length === 0 && l.writing === 0) &&
    Object.keys(state.inflight).length === 0;
  if (settled && state.finalize === "pending") {
    const usage = runUsage(state);
    const work: WorkItem = { type: "finalize", id: "finalize", run_id: state.run_id, failed_rows: failedRowsByStep(state), ...(Object.keys(usage).length > 0 ? { usage } : {}) };
    state.finalize = "dispatched";
    trackInflight(state, work, context.now);
    dispatch.push(work);
  }
  failIfStalled(state, context.now);
  return dispatch;
}

/** A run that can never progress fails now, naming what each unfinished step waits for, instead of staying `running`. */
function failIfStalled(state: RunState, now: number): void {
  const stalled = stalledSteps(state);
  if (stalled) failRunInPlace(state, { code: "run_stalled", message: stallMessage(stalled) }, undefined, now);
}

/** The run's LLM usage per model, summed over its steps. */
export function runUsage(state: RunState): UsageByModel {
  return Object.values(state.steps).reduce<UsageByModel>((sum, s) => addUsage(sum, s.usage ?? {}), {});
}

/** Steps with failed rows and how many (a state stored before the count existed has none). */
export function failedRowsByStep(state: RunState): Record<string, number> {
  return Object.fromEntries(Object.entries(state.steps).flatMap(([name, s]) => ((s.failed_rows ?? 0) > 0 ? [[name, s.failed_rows]] : [])));
}

function activeSteps(state: RunState): string[] {
  return state.plan.order.filter((name) => (state.plan.steps[name]?.stage ?? 0) <= state.stage.current);
}

function dispatchGenerators(state: RunState, context: EngineContext, dispatch: WorkItem[], ledger: BudgetLedger | undefined): void {
  for (const name of activeSteps(state)) {
    const plan = state.plan.steps[name];
    const step = state.steps[name];
    if (!plan || !step || plan.kind !== "generator" || step.done || step.outstanding) continue;
    if (!generatorNeeded(state, name)) continue;
    if (ledger && admitBatch(ledger, state, name) !== "send") continue;
    const work: WorkItem = {
      type: "generate",
      id: workId({ type: "generate", step: name, seq_no: step.next_seq_no }),
      run_id: state.run_id,
      step: name,
      seq_no: step.next_seq_no,
      offset: step.next_offset,
      force_last_batch: state.plan.dry_run,
    };
    step.outstanding = true;
    step.inflight++;
    step.batches_sent++;
    trackInflight(state, work, context.now);
    dispatch.push(work);
  }
}

/** Generators are pulled: asked again while some successor's buffer from them runs low (distilabel's `empty_buffers`). */
function generatorNeeded(state: RunState, name: string): boolean {
  const step = state.steps[name];
  const plan = state.plan.steps[name];
  if (!step || !plan) return false;
  if (step.next_seq_no === 0 || plan.successors.length === 0) return true;
  return plan.successors.some((successor) => {
    const s = state.steps[successor];
    const manager = state.batch_managers[successor];
    if (!s || !manager || s.done) return false;
    // A successor in a later stage cannot drain its buffer yet; the generator must finish its stage.
    if ((state.plan.steps[successor]?.stage ?? 0) > state.stage.current) return true;
    return emptyBuffers(manager).includes(name);
  });
}

function dispatchBatches(state: RunState, context: EngineContext, dispatch: WorkItem[], ledger: BudgetLedger | undefined): void {
  for (const name of activeSteps(state)) {
    const plan = state.plan.steps[name];
    const step = state.steps[name];
    const manager = state.batch_managers[name];
    if (!plan || !step || !manager || plan.kind === "generator" || step.done) continue;
    while (step.inflight < plan.max_inflight) {
      // Building a batch consumes buffered rows: one the budget holds back is put back as it was.
      const unbuilt = ledger ? copyBatchManager(manager) : undefined;
      const batch = getBatch(manager);
      if (!batch) break;
      if (ledger && unbuilt && admitBatch(ledger, state, name, inputBatchRows(batch)) !== "send") {
        state.batch_managers[name] = unbuilt;
        break;
      }
      const work = processWork(state, batch);
      step.inflight++;
      step.batches_sent++;
      step.rows_in += inputBatchRows(batch);
      trackInflight(state, work, context.now);
      dispatch.push(work);
    }
  }
}

function processWork(state: RunState, batch: InputBatch): WorkItem {
  const sources = Object.fromEntries(
    batch.data.flatMap((part) => {
      const source = state.plan.steps[part.from]?.reused_from;
      return source ? [[part.from, source]] : [];
    }),
  );
  return {
    type: "process",
    id: workId({ type: "process", step: batch.step, seq_no: batch.seq_no }),
    run_id: state.run_id,
    step: batch.step,
    seq_no: batch.seq_no,
    last_batch: batch.last_batch,
    accumulated: batch.accumulated,
    data: batch.data,
    created_from: batch.created_from,
    batch_routed_to: batch.batch_routed_to,
    ...(Object.keys(sources).length > 0 ? { sources } : {}),
  };
}

/** Cuts leaf outputs into Parquet files at a row or size threshold, and flushes the rest once the leaf is done. */
function dispatchParquet(state: RunState, context: EngineContext, dispatch: WorkItem[]): void {
  const { max_rows_per_file: maxRows, max_bytes_per_file: maxBytes } = state.plan.parquet;
  for (const [name, leaf] of Object.entries(state.leaves)) {
    const done = state.steps[name]?.done ?? false;
    for (;;) {
      let rows = 0;
      let bytes = 0;
      let count = 0;
      while (count < leaf.pending.length && rows < maxRows && bytes < maxBytes) {
        const entry = leaf.pending[count] as { rows: number; bytes: number };
        rows += entry.rows;
        bytes += entry.bytes;
        count++;
      }
      const full = rows >= maxRows || bytes >= maxBytes;
      if (!full && !(done && leaf.pending.length > 0)) break;
      const taken = leaf.pending.splice(0, count);
      if (taken.every((e) => e.rows === 0)) continue;
      const work: WorkItem = {
        type: "write_parquet",
        id: workId({ type: "write_parquet", config: leaf.config, file_index: leaf.next_file_index }),
        run_id: state.run_id,
        step: name,
        config: leaf.config,
        split: "train",
        file_index: leaf.next_file_index++,
        seq_nos: taken.map((e) => e.seq_no),
        ...(state.plan.steps[name]?.reused_from ? { source_run_id: state.plan.steps[name]?.reused_from } : {}),
      };
      leaf.writing++;
      trackInflight(state, work, context.now);
      dispatch.push(work);
    }
  }
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
