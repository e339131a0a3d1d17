import { inputBatchRows, type CreatedFrom, type InputBatch } from "../batch.js";
import { getBatch } from "../batch-manager-step.js";
import { admitBatch, type BudgetLedger } from "../run-budget.js";
import type { EngineContext } from "../run-engine.js";
import type { RunState } from "../run-state.js";
import { copyBatchManager } from "../state-copy.js";
import { workId, type ProcessWork, type WorkItem } from "../work.js";
import { trackInflight } from "../work-tracking.js";
import { activeSteps, stepBatchHandler } from "./step-batch.js";

/** A normal or global step's batch: its output keeps where its rows came from and where routing sent them. */
export const processWork = stepBatchHandler<ProcessWork>({
  reportedOutput: (work, report) => ({
    seq_no: work.seq_no,
    num_rows: report.num_rows,
    bytes: report.bytes,
    last_batch: work.last_batch,
    created_from: firstOrigin(work.created_from),
    batch_routed_to: work.batch_routed_to,
  }),
  send: sendBatches,
});

/**
 * Downstream only ever reads where a batch's first rows came from (convergence groups); a
 * global step's batch came from every upstream batch, and carrying all of them would make each
 * buffered batch as large as the whole run.
 */
function firstOrigin(createdFrom: CreatedFrom): CreatedFrom {
  const [step, origins] = Object.entries(createdFrom)[0] ?? [];
  return step && origins?.[0] ? { [step]: [origins[0]] } : {};
}

/** Every batch the steps of the current stage can build now, up to each step's `max_inflight`. */
function sendBatches(state: RunState, context: EngineContext, ledger: BudgetLedger | undefined): WorkItem[] {
  const dispatch: WorkItem[] = [];
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
      const work = processWorkOf(state, batch);
      step.inflight++;
      step.batches_sent++;
      step.rows_in += inputBatchRows(batch);
      trackInflight(state, work, context.now);
      dispatch.push(work);
    }
  }
  return dispatch;
}

function processWorkOf(state: RunState, batch: InputBatch): WorkItem {
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
