import { describe, expect, it } from "vitest";
import { ProgressRenderer, progressBar, progressLines, progressUpdates } from "../../../cli/progress.js";
import { cliRunView as view } from "../../support/cli-run-view.js";

describe("pending provider batch jobs", () => {
  it("shows each job with the provider's status and counts, and a line per change when not on a terminal", () => {
    const job = {
      provider: "OpenAILLM",
      job_id: "batch_1",
      status: "in_progress",
      counts: { total: 50, completed: 20, failed: 1 },
      submitted_at: 0,
      polls: 2,
      next_poll_at: 0,
      step: "text_generation",
      seq_no: 3,
    };
    const pending = { ...view("running", { text_generation: { status: "running", batches_sent: 4, batches_done: 3 } }), offline_batches: [job] };
    expect(progressLines(pending)).toContain("  batch job batch_1 (text_generation batch 3): in_progress, 20/50 done, 1 failed");
    expect(progressUpdates(pending, pending)).toEqual([]);
    const later = { ...pending, offline_batches: [{ ...job, status: "finalizing", counts: { total: 50, completed: 50, failed: 1 } }] };
    expect(progressUpdates(pending, later)).toEqual(["batch job batch_1 (text_generation batch 3): finalizing, 50/50 done, 1 failed"]);
  });
});

describe("progressBar", () => {
  it("fills by batches done of batches sent, and fully once the step finished", () => {
    expect(progressBar(1, 4, 8)).toBe("[##......]");
    expect(progressBar(0, 0, 4)).toBe("[....]");
    expect(progressBar(3, 3, 4)).toBe("[####]");
    expect(progressBar(0, 0, 4, true)).toBe("[####]");
  });
});

describe("progressLines", () => {
  it("draws a header, one bar per step with rows, batches and failures, and the last error", () => {
    const lines = progressLines(
      view(
        "running",
        {
          load_dataset: { status: "finished", batches_sent: 2, batches_done: 2, rows_out: 10 },
          text_generation: { status: "running", batches_sent: 2, batches_done: 1, rows_out: 5, errors: 1, failed_rows: 2 },
        },
        [{ step: "text_generation", code: "llm_failed", message: "HTTP 500\nfrom the model" }],
      ),
      80,
    );
    expect(lines[0]).toBe("run run-1 (quickstart): running");
    expect(lines[1]).toMatch(/^ {2}load_dataset +\[#+\] 10 rows, 2\/2 batches {2}finished$/);
    expect(lines[2]).toContain("5 rows, 1/2 batches, 2 rows failed, 1 errors  running");
    expect(lines[3]).toBe("  last error in text_generation: llm_failed: HTTP 500 from the model");
  });

  it("adds the run's LLM requests, tokens and cost to the header once calls were made", () => {
    const running = view("running", { text_generation: { status: "running", batches_sent: 1 } });
    const priced = { ...running, usage: { requests: 4, cached_requests: 2, input_tokens: 100, output_tokens: 20, cost_usd: 0.00123 } };
    expect(progressLines(priced, 80)[0]).toBe("run run-1 (quickstart): running · 4 LLM requests (2 cached), 120 tokens, $0.0012");
    const unpriced = { ...running, usage: { ...priced.usage, cost_usd: null } };
    expect(progressLines(unpriced, 80)[0]).toBe("run run-1 (quickstart): running · 4 LLM requests (2 cached), 120 tokens");
  });
});

describe("progressUpdates", () => {
  it("prints only what changed since the previous poll", () => {
    const first = view("running", { a: { status: "running", batches_sent: 1 }, b: {} });
    expect(progressUpdates(undefined, first)).toEqual(["run run-1 (quickstart): running", "a: running, 0 rows, 0/1 batches"]);
    expect(progressUpdates(first, first)).toEqual([]);
    const next = view("running", { a: { status: "finished", batches_sent: 1, batches_done: 1, rows_out: 3 }, b: {} });
    expect(progressUpdates(first, next)).toEqual(["a: finished, 3 rows, 1/1 batches"]);
  });
});

describe("reused steps", () => {
  it("say which run their outputs come from, on a terminal and in line mode", () => {
    const reused = view("running", {
      load: { status: "finished", batches_sent: 2, batches_done: 2, rows_out: 4, reused_from: "run-0" },
      judge: { status: "running", batches_sent: 1 },
    });
    expect(progressLines(reused, 80)[1]).toMatch(/finished \(reused from run-0\)$/);
    expect(progressUpdates(undefined, reused)).toContain("load: finished (reused from run-0), 4 rows, 2/2 batches");
    expect(progressUpdates(undefined, reused)).toContain("judge: running, 0 rows, 0/1 batches");
  });
});

describe("ProgressRenderer", () => {
  it("redraws in place on a terminal and appends lines otherwise", () => {
    const tty: string[] = [];
    const onTty = new ProgressRenderer({ isTTY: true, columns: 80, write: (t: string) => tty.push(t) });
    onTty.update(view("running", { a: { status: "running", batches_sent: 1 } }));
    onTty.update(view("succeeded", { a: { status: "finished", batches_sent: 1, batches_done: 1 } }));
    expect(tty[0]!.startsWith("\x1b")).toBe(false);
    expect(tty[1]!.startsWith("\r\x1b[2A\x1b[0J")).toBe(true);

    const piped: string[] = [];
    const plain = new ProgressRenderer({ write: (t: string) => piped.push(t) });
    plain.update(view("running", { a: { status: "running", batches_sent: 1 } }));
    plain.update(view("running", { a: { status: "running", batches_sent: 1 } }));
    expect(piped).toEqual(["run run-1 (quickstart): running\na: running, 0 rows, 0/1 batches\n"]);
  });
});
