import { z } from "zod";
import { DistilflareError } from "../../errors.js";
import { loadSteps } from "../../runtime/load-steps.js";
import { GeneratorStep } from "../../steps/base-step.js";
import type { BufferLogger } from "../../steps/step-context.js";
import { applyOutputMappings } from "../../steps/mappings.js";
import { stepBatchWorkShape } from "../batch.js";
import { emptyBuffers } from "../batch-manager-step.js";
import { admitBatch, type BudgetLedger } from "../run-budget.js";
import type { EngineContext } from "../run-engine.js";
import type { RunState } from "../run-state.js";
import type { WorkReportInput } from "../work.js";
import { trackInflight } from "../work-tracking.js";
import { activeSteps, existingOutput, stepBatchWorkType, stepContext, storeOutput, withRetries } from "./step-batch.js";
import { reportOf, type WorkRunnerDeps, type WorkType } from "./work-type.js";

/** Ask a generator for the batch that starts at `offset`. */
export const generateWorkSchema = z.object({
  type: z.literal("generate"),
  ...stepBatchWorkShape,
  offset: z.number().int().nonnegative(),
  /** Dry runs force the first batch to be the last. */
  force_last_batch: z.boolean(),
});
export type GenerateWork = z.infer<typeof generateWorkSchema>;

function setOutstanding(state: RunState, work: GenerateWork, outstanding: boolean): void {
  const step = state.steps[work.step];
  if (step) step.outstanding = outstanding;
}

/**
 * A generator's batch. A generator is asked for one batch at a time (`outstanding`), and the
 * next request starts after the rows this one produced.
 */
export const generateWork: WorkType<typeof generateWorkSchema> = stepBatchWorkType({
  schema: generateWorkSchema,
  reportedOutput: (work, report) => ({
    seq_no: work.seq_no,
    num_rows: report.num_rows,
    bytes: report.bytes,
    last_batch: report.last_batch || work.force_last_batch,
    created_from: {},
    batch_routed_to: [],
  }),
  reported: (state, work) => setOutstanding(state, work, false),
  afterBatch(state, work, report) {
    const step = state.steps[work.step];
    if (!step) return;
    step.next_seq_no = work.seq_no + 1;
    step.next_offset = work.offset + report.num_rows;
  },
  failed: (state, work) => setOutstanding(state, work, false),
  retracked: (state, work) => setOutstanding(state, work, true),
  send: sendGenerators,
  run: runGenerate,
});

function sendGenerators(state: RunState, context: EngineContext, ledger: BudgetLedger | undefined): GenerateWork[] {
  const dispatch: GenerateWork[] = [];
  for (const name of activeSteps(state)) {
    const plan = state.plan.steps[name];
    const step = state.steps[name];
    if (!plan || !step || plan.kind !== "generator" || step.done || step.outstanding || !generatorNeeded(state, name)) continue;
    if (ledger && admitBatch(ledger, state, name) !== "send") continue;
    const work: GenerateWork = {
      type: "generate",
      id: `generate:${name}:${step.next_seq_no}`,
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
  return dispatch;
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

/** Asks a generator for its batch at `offset` (an output already stored is reported as it is). */
async function runGenerate(work: GenerateWork, deps: WorkRunnerDeps, logger: BufferLogger): Promise<WorkReportInput> {
  const existing = await existingOutput(work, deps);
  if (existing) return existing;
  const pipeline = await deps.pipeline(work.run_id);
  const step = pipeline.step(work.step);
  if (!(step instanceof GeneratorStep)) throw new DistilflareError("internal", `Step '${work.step}' is not a generator`);
  const context = stepContext(work, deps, logger);
  await loadSteps([step], context);
  const output = await withRetries(deps, logger, `generator '${work.step}' batch ${work.seq_no}`, () => step.generate(work.offset, context));
  const rows = applyOutputMappings(output.rows, {}, step.outputMappings);
  const stored = await storeOutput(work, rows, output.lastBatch || work.force_last_batch, deps);
  logger.info(`Generated batch ${work.seq_no} with ${stored.numRows} rows${stored.lastBatch ? " (last)" : ""}`);
  return { ...reportOf(work), num_rows: stored.numRows, bytes: stored.bytes, last_batch: stored.lastBatch, usage: context.usage?.snapshot() };
}
