import { seededRandom } from "../../../src/core/random.js";
import { createDefaultRegistry } from "../../../src/default-registry.js";
import type { Registry } from "../../../src/components/registry.js";
import { applyReport, reportedOutput, resumeRun, startRun, stopRun, type EngineContext, type Transition } from "../../../src/engine/run-engine.js";
import { buildRunPlan, type RunPlan, type RunPlanOptions } from "../../../src/engine/run-plan.js";
import { createRunState, runStateSchema, type PendingOutput, type RunState } from "../../../src/engine/run-state.js";
import { workReportSchema, type WorkItem, type WorkReportInput } from "../../../src/engine/work.js";
import type { DagSpec, DagStep } from "../../../src/pipeline/dag.js";
import { routingResolver } from "../../../src/runtime/routing-resolver.js";

type Kind = DagStep["kind"];

/** A step of a hand-written DAG spec; columns are irrelevant to the engine. */
export function dagStep(name: string, kind: Kind, sizes: { batchSize?: number; inputBatchSize?: number } = {}): DagStep {
  return {
    name,
    typeName: kind === "generator" ? "Gen" : kind === "global" ? "Global" : "Step",
    kind,
    inputs: {},
    outputs: [],
    inputMappings: {},
    outputMappings: {},
    inputBatchSize: kind === "generator" ? undefined : (sizes.inputBatchSize ?? 50),
    batchSize: kind === "generator" ? (sizes.batchSize ?? 50) : undefined,
    acceptsMultipleInputs: true,
    missingRuntimeParameters: [],
  };
}

export function dagSpec(steps: DagStep[], edges: Array<[string, string]>, routing: DagSpec["routing"] = {}): DagSpec {
  return { steps, edges, routing };
}

export function plan(spec: DagSpec, options: Partial<RunPlanOptions> = {}): RunPlan {
  return buildRunPlan(spec, { pipelineName: "sim", seed: "seed", ...options });
}

/** The engine's context in the run-engine tests: time stands still at 0, routing from the default registry. */
export const engineContext: EngineContext = { now: 0, routing: routingResolver(createDefaultRegistry()) };

/** gen (10 rows, batch_size 4) -> step (input_batch_size 3). */
export const linear = () => plan(dagSpec([dagStep("gen", "generator", { batchSize: 4 }), dagStep("step", "normal", { inputBatchSize: 3 })], [["gen", "step"]]));

/** gen (23 rows, batch_size 5) -> a (3) -> b (4), and gen -> c (7): leaves b and c. */
export const branching = (options: Partial<RunPlanOptions> = {}) =>
  plan(
    dagSpec(
      [
        dagStep("gen", "generator", { batchSize: 5 }),
        dagStep("a", "normal", { inputBatchSize: 3 }),
        dagStep("b", "normal", { inputBatchSize: 4 }),
        dagStep("c", "normal", { inputBatchSize: 7 }),
      ],
      [
        ["gen", "a"],
        ["a", "b"],
        ["gen", "c"],
      ],
    ),
    options,
  );

/** 0, 1, ..., n - 1. */
export const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** How a simulated step turns its input lists into output rows. */
export type Behaviour = (inputs: string[][], work: { step: string; seqNo: number }) => string[];

/** One row per input row, zipping the position-aligned inputs of several predecessors. */
export const zipBehaviour: Behaviour = (inputs, { step }) => {
  const length = Math.max(0, ...inputs.map((rows) => rows.length));
  return Array.from({ length }, (_, i) => `${step}(${inputs.map((rows) => rows[i] ?? "-").join("|")})`);
};

export interface SimOptions {
  /** Rows each generator has in total; it yields them `batch_size` at a time. */
  generators: Record<string, number>;
  behaviours?: Record<string, Behaviour>;
  /** JSON round trip of the state after every transition. */
  roundTrip?: boolean;
  registry?: Registry;
  now?: () => number;
  runId?: string;
}

export type DeliveryOrder = "fifo" | "lifo" | { random: string };

/**
 * Drives a run by hand: the engine's transitions plus a tiny worker that keeps rows as strings
 * (generator rows are `gen:0`, `gen:1`, ...; steps wrap them: `step(gen:0)`), so tests can
 * compare the exact rows, their order and the Parquet files cut from them.
 */
export class EngineSim {
  state: RunState;
  /** Work sent and not yet reported, in dispatch order. */
  readonly pending: WorkItem[] = [];
  /** Every dispatch, in order (re-dispatches included). */
  readonly dispatched: WorkItem[] = [];
  /** Stored outputs: `step/seq_no` -> rows. */
  readonly outputs = new Map<string, string[]>();
  /** Each step's outputs as reported, in seq order (what a run reusing the step is fed). */
  readonly reported = new Map<string, PendingOutput[]>();
  /** Parquet files: config -> file_index -> rows. */
  readonly files = new Map<string, Map<number, string[]>>();
  private readonly context: () => EngineContext;

  constructor(
    plan: RunPlan,
    private readonly options: SimOptions,
  ) {
    this.state = createRunState(options.runId ?? "run-1", plan);
    const routing = routingResolver(options.registry ?? createDefaultRegistry());
    this.context = () => ({ now: options.now?.() ?? 0, routing });
  }

  /** Applies a transition, round-tripping the state through JSON if asked. */
  accept(transition: Transition): WorkItem[] {
    const state = this.options.roundTrip ? (JSON.parse(JSON.stringify(transition.state)) as RunState) : transition.state;
    runStateSchema.parse(state);
    this.state = state;
    for (const work of transition.dispatch) {
      this.dispatched.push(work);
      if (!this.pending.some((w) => w.id === work.id)) this.pending.push(work);
    }
    return transition.dispatch;
  }

  /** `reused`: stored outputs of the steps the plan marks reused (step-level reuse). */
  start(reused: Record<string, PendingOutput[]> = {}): WorkItem[] {
    return this.accept(startRun(this.state, this.context(), reused));
  }

  stop(): WorkItem[] {
    return this.accept(stopRun(this.state));
  }

  resume(): WorkItem[] {
    return this.accept(resumeRun(this.state, this.context()));
  }

  /** What the simulated worker reports for `work` (storing its output, like the real runner). */
  execute(work: WorkItem): WorkReportInput {
    const base = { id: work.id, run_id: work.run_id, type: work.type };
    switch (work.type) {
      case "generate": {
        const total = this.options.generators[work.step] ?? 0;
        const size = this.state.plan.steps[work.step]?.batch_size ?? 50;
        const count = Math.max(0, Math.min(size, total - work.offset));
        const rows = Array.from({ length: count }, (_, i) => `${work.step}:${work.offset + i}`);
        this.outputs.set(`${work.step}/${work.seq_no}`, rows);
        const last = work.force_last_batch || work.offset + size >= total;
        return { ...base, step: work.step, seq_no: work.seq_no, num_rows: rows.length, bytes: JSON.stringify(rows).length, last_batch: last };
      }
      case "process": {
        const inputs = work.data.map((part) =>
          part.slices.flatMap((slice) => (this.outputs.get(`${part.from}/${slice.seq_no}`) ?? []).slice(slice.start, slice.end)),
        );
        const behaviour = this.options.behaviours?.[work.step] ?? zipBehaviour;
        const rows = inputs.every((r) => r.length === 0) ? [] : behaviour(inputs, { step: work.step, seqNo: work.seq_no });
        this.outputs.set(`${work.step}/${work.seq_no}`, rows);
        return {
          ...base,
          step: work.step,
          seq_no: work.seq_no,
          num_rows: rows.length,
          rows_in: inputs.reduce((sum, r) => sum + r.length, 0),
          bytes: JSON.stringify(rows).length,
          last_batch: work.last_batch,
        };
      }
      case "write_parquet": {
        const rows = work.seq_nos.flatMap((seq) => this.outputs.get(`${work.step}/${seq}`) ?? []);
        const config = this.files.get(work.config) ?? new Map<number, string[]>();
        config.set(work.file_index, rows);
        this.files.set(work.config, config);
        const path = `runs/${work.run_id}/distiset/${work.config}/${work.split}/${String(work.file_index).padStart(5, "0")}.parquet`;
        return { ...base, step: work.step, num_rows: rows.length, file: { path, size_bytes: 100 * rows.length, num_rows: rows.length }, columns: ["text"] };
      }
      case "finalize":
        return { ...base };
    }
  }

  /** Reports one pending work item (by index in `pending` or by id). */
  deliver(which: number | string = 0, report?: WorkReportInput): WorkItem[] {
    const index = typeof which === "number" ? which : this.pending.findIndex((w) => w.id === which);
    const work = this.pending[index];
    if (!work) throw new Error(`no pending work ${String(which)}`);
    this.pending.splice(index, 1);
    const input = report ?? this.execute(work);
    const transition = applyReport(this.state, input, this.context());
    const output = transition.state === this.state ? undefined : reportedOutput(work, workReportSchema.parse(input));
    if (output && "step" in work)
      this.reported.set(
        work.step,
        [...(this.reported.get(work.step) ?? []), output].sort((a, b) => a.seq_no - b.seq_no),
      );
    return this.accept(transition);
  }

  /** Delivers reports until nothing is pending; returns how many were delivered. */
  runAll(order: DeliveryOrder = "fifo", limit = 10_000): number {
    const random = typeof order === "object" ? seededRandom(order.random) : undefined;
    let delivered = 0;
    while (this.pending.length > 0) {
      if (delivered++ > limit) throw new Error("the run does not settle");
      const index = order === "fifo" ? 0 : order === "lifo" ? this.pending.length - 1 : Math.floor((random as () => number)() * this.pending.length);
      this.deliver(index);
    }
    return delivered;
  }

  /** A config's rows, file after file. */
  dataset(config = "default"): string[] {
    const files = this.files.get(config) ?? new Map<number, string[]>();
    return [...files.keys()].sort((a, b) => a - b).flatMap((i) => files.get(i) ?? []);
  }

  dispatchedOf(step: string, type: WorkItem["type"] = "process"): WorkItem[] {
    return this.dispatched.filter((w) => w.type === type && "step" in w && w.step === step);
  }
}
