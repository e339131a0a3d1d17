import { describe, expect, it } from "vitest";
import { startRun } from "../../../../src/engine/run-engine.js";
import { createRunState, type RunState } from "../../../../src/engine/run-state.js";
import { workReportSchema, type WorkItem, type WorkReportInput } from "../../../../src/engine/work.js";
import type { ProcessWork } from "../../../../src/engine/work-types/process.js";
import { WORK_TYPES, workTypeOf } from "../../../../src/engine/work-types/index.js";
import { routingResolver } from "../../../../src/runtime/routing-resolver.js";
import { createDefaultRegistry } from "../../../../src/default-registry.js";
import { dagSpec, dagStep, plan } from "../engine-sim.js";

const context = { now: 0, routing: routingResolver(createDefaultRegistry()) };

/** A started run of gen (batch_size 4) -> step (input_batch_size 3), and the work it sent first. */
function started(): { state: RunState; work: WorkItem } {
  const p = plan(dagSpec([dagStep("gen", "generator", { batchSize: 4 }), dagStep("step", "normal", { inputBatchSize: 3 })], [["gen", "step"]]));
  const { state, dispatch } = startRun(createRunState("run-1", p), context);
  return { state, work: dispatch[0] as WorkItem };
}

const report = (work: WorkItem, fields: Partial<WorkReportInput> = {}) =>
  workReportSchema.parse({ id: work.id, run_id: work.run_id, type: work.type, ...fields });

describe("the work-type table", () => {
  it("has a handler for every kind of work, each sending work of its own kind", () => {
    expect(Object.keys(WORK_TYPES).sort()).toEqual(["finalize", "generate", "process", "write_parquet"]);
    const { state } = started();
    for (const [type, handler] of Object.entries(WORK_TYPES)) {
      for (const sent of handler.send?.(state, context, undefined) ?? []) expect(sent.type).toBe(type);
    }
  });
});

describe("generate", () => {
  it("moves the generator's cursor past the rows it produced and clears its request", () => {
    const { state, work } = started();
    delete state.inflight[work.id];
    expect(workTypeOf(work).applyReport(state, work, report(work, { num_rows: 4, bytes: 40 }), context)).toBe(true);
    expect(state.steps.gen).toMatchObject({ next_seq_no: 1, next_offset: 4, outstanding: false, inflight: 0, batches_done: 1, rows_out: 4 });
    expect(state.batch_managers.step?.data.gen).toHaveLength(1);
  });

  it("fails the run on a fatal report and keeps the work for a resume", () => {
    const { state, work } = started();
    delete state.inflight[work.id];
    expect(workTypeOf(work).applyReport(state, work, report(work, { fatal: { code: "step_failed", message: "boom" } }), context)).toBe(false);
    expect(state.status).toBe("failed");
    expect(state.failed_work).toEqual([work]);
    expect(state.steps.gen).toMatchObject({ outstanding: false, inflight: 0 });
  });

  it("restores a resent request's counters and undoes them for one that will not report", () => {
    const { state, work } = started();
    workTypeOf(work).release(state, work);
    expect(state.steps.gen?.inflight).toBe(0);
    state.steps.gen!.outstanding = false;
    workTypeOf(work).retrack(state, work);
    expect(state.steps.gen).toMatchObject({ inflight: 1, outstanding: true });
  });
});

describe("process", () => {
  it("keeps only the first origin of a batch in the output it reports", () => {
    const work: ProcessWork = {
      type: "process",
      id: "process:step:0",
      run_id: "run-1",
      step: "step",
      seq_no: 0,
      last_batch: true,
      accumulated: true,
      data: [],
      created_from: {
        gen: [
          [0, 0, 4],
          [1, 0, 4],
        ],
      },
      batch_routed_to: [],
    };
    expect(WORK_TYPES.process.reportedOutput?.(work, report(work, { num_rows: 8, bytes: 80 }))).toEqual({
      seq_no: 0,
      num_rows: 8,
      bytes: 80,
      last_batch: true,
      created_from: { gen: [[0, 0, 4]] },
      batch_routed_to: [],
    });
  });

  it("sends a batch once its input is buffered, up to the step's inflight limit", () => {
    const { state, work } = started();
    delete state.inflight[work.id];
    workTypeOf(work).applyReport(state, work, report(work, { num_rows: 4, bytes: 40 }), context);
    const sent = WORK_TYPES.process.send?.(state, context, undefined) ?? [];
    expect(sent.map((w) => w.id)).toEqual(["process:step:0"]);
    expect(state.steps.step).toMatchObject({ inflight: 1, batches_sent: 1, rows_in: 3 });
  });
});

describe("write_parquet", () => {
  it("adds the written file to its leaf in file order and merges the columns", () => {
    const { state } = started();
    state.leaves.step!.writing = 2;
    const file = (index: number): WorkItem => ({
      type: "write_parquet",
      id: `write_parquet:default:${index}`,
      run_id: "run-1",
      step: "step",
      config: "default",
      split: "train",
      file_index: index,
      seq_nos: [index],
    });
    for (const [index, columns] of [
      [1, ["b"]],
      [0, ["a", "b"]],
    ] as const) {
      const work = file(index);
      workTypeOf(work).applyReport(state, work, report(work, { file: { path: `f${index}`, size_bytes: 1, num_rows: 1 }, columns: [...columns] }), context);
    }
    expect(state.leaves.step?.files.map((f) => f.file_index)).toEqual([0, 1]);
    expect(state.leaves.step?.columns).toEqual(["b", "a"]);
    expect(state.leaves.step?.writing).toBe(0);
  });
});

describe("finalize", () => {
  it("ends the run on success and is sent again after a failure", () => {
    const { state } = started();
    const work: WorkItem = { type: "finalize", id: "finalize", run_id: "run-1", failed_rows: {} };
    expect(WORK_TYPES.finalize.applyReport(state, work, report(work), context)).toBe(false);
    expect(state).toMatchObject({ status: "succeeded", finalize: "done" });
    const failing = started().state;
    WORK_TYPES.finalize.applyReport(failing, work, report(work, { fatal: { code: "storage_failed", message: "no" } }), context);
    expect(failing).toMatchObject({ status: "failed", finalize: "pending", failed_work: [work] });
  });

  it("is sent only once the run is settled", () => {
    const { state } = started();
    expect(WORK_TYPES.finalize.send?.(state, context, undefined)).toEqual([]);
    state.inflight = {};
    for (const step of Object.values(state.steps)) step.done = true;
    expect(WORK_TYPES.finalize.send?.(state, context, undefined)).toEqual([{ type: "finalize", id: "finalize", run_id: "run-1", failed_rows: {} }]);
    expect(state.finalize).toBe("dispatched");
  });
});
