import { describe, expect, it } from "vitest";
import type { WorkItem } from "../../../src/engine/work.js";
import { MAX_INLINE_MESSAGE_BYTES, type WorkMessage } from "../../../src/runtime/queue-message.js";
import { runKeys } from "../../../src/runtime/run-keys.js";
import { queueOf, sendBatches, workMessage } from "../../../src/runtime/work-dispatch.js";

const generate: WorkItem = { type: "generate", id: "generate:gen:0", run_id: "r", step: "gen", seq_no: 0, offset: 0, force_last_batch: false };
const processing = (slices: number): WorkItem => ({
  type: "process",
  id: "process:s:0",
  run_id: "r",
  step: "s",
  seq_no: 0,
  last_batch: true,
  accumulated: true,
  data: [{ from: "gen", slices: Array.from({ length: slices }, (_, i) => ({ seq_no: i, start: 0, end: 25 })) }],
  created_from: {},
  batch_routed_to: [],
});

describe("sending work to the queues", () => {
  it("sends step batches to the steps queue and everything else to the control queue", () => {
    expect(queueOf(processing(1))).toBe("steps");
    expect(queueOf(generate)).toBe("control");
  });

  it("carries a small item in its message, and a large or spilled one by its R2 key", () => {
    const key = runKeys.work("r", "process:s:0");
    expect(workMessage(processing(1), false)).toEqual({ message: { run_id: "r", work: processing(1) } });
    const large = processing(4_000);
    expect(JSON.stringify(large).length).toBeGreaterThan(MAX_INLINE_MESSAGE_BYTES);
    const byRef = workMessage(large, false);
    expect(byRef.message).toEqual({ run_id: "r", work_id: "process:s:0", work_ref: key });
    expect(byRef.store).toEqual({ key, json: JSON.stringify(large) });
    expect(workMessage(processing(1), true)).toEqual({ message: { run_id: "r", work_id: "process:s:0", work_ref: key } });
  });

  it("cuts messages into batches of at most 100 messages and about 250 KB, in order", () => {
    const small: WorkMessage[] = Array.from({ length: 250 }, (_, i) => ({ run_id: "r", work_id: `w${i}`, work_ref: `k${i}` }));
    expect(sendBatches(small).map((b) => b.length)).toEqual([100, 100, 50]);
    expect(sendBatches(small).flat()).toEqual(small);
    const big: WorkMessage[] = Array.from({ length: 5 }, (_, i) => ({ run_id: "r", work_id: `w${i}`, work_ref: "x".repeat(100_000) }));
    expect(sendBatches(big).map((b) => b.length)).toEqual([2, 2, 1]);
    expect(sendBatches([])).toEqual([]);
  });
});
