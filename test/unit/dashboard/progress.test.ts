import { describe, expect, it } from "vitest";
import { PROGRESS_JS } from "../../../src/api/dashboard/assets/progress-js.js";

// The page's module as the browser gets it: the served source, imported as an ES module.
const progress = (await import(`data:text/javascript;base64,${Buffer.from(PROGRESS_JS).toString("base64")}`)) as {
  stepPercent(step: Record<string, unknown>): number;
  runPercent(run: Record<string, unknown>): number;
  currentStage(run: Record<string, unknown>): number | null;
  isTerminal(run: Record<string, unknown>): boolean;
};

const step = (status: string, batches_done: number, batches_sent: number) => ({ status, batches_done, batches_sent, rows_in: 0, rows_out: 0, errors: 0 });

describe("the runs page's progress", () => {
  it("counts a finished step as 100% and a running one by the batches sent so far, never 100%", () => {
    expect(progress.stepPercent(step("finished", 3, 3))).toBe(100);
    expect(progress.stepPercent(step("pending", 0, 0))).toBe(0);
    expect(progress.stepPercent(step("running", 1, 4))).toBe(25);
    expect(progress.stepPercent(step("running", 4, 4))).toBe(99);
  });

  it("reaches 100% for the run only when it succeeded", () => {
    const steps = { a: step("finished", 2, 2), b: step("finished", 2, 2) };
    expect(progress.runPercent({ status: "running", steps })).toBe(99);
    expect(progress.runPercent({ status: "succeeded", steps })).toBe(100);
    expect(progress.runPercent({ status: "running", steps: { a: step("finished", 2, 2), b: step("running", 1, 2) } })).toBe(75);
    expect(progress.runPercent({ status: "failed", steps: { a: step("finished", 1, 1), b: step("failed", 0, 1) } })).toBe(50);
  });

  it("names the running load stage and knows the terminal states", () => {
    const stages = [
      { index: 0, steps: ["a"], status: "finished" },
      { index: 1, steps: ["b"], status: "running" },
    ];
    expect(progress.currentStage({ stages })).toBe(1);
    expect(progress.currentStage({ stages: [{ index: 0, steps: ["a"], status: "finished" }] })).toBeNull();
    expect(["succeeded", "failed", "stopped", "running", "pending"].map((status) => progress.isTerminal({ status }))).toEqual([true, true, true, false, false]);
  });
});
