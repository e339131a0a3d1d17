import type { RunView } from "./api-client.js";

type StepProgress = RunView["steps"][string];

/** `[#####.....]` for done of total; full when the step finished whatever its counts. */
export function progressBar(done: number, total: number, width: number, finished = false): string {
  const ratio = finished ? 1 : total <= 0 ? 0 : Math.min(1, done / total);
  const filled = Math.round(ratio * width);
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}]`;
}

function stepCounts(step: StepProgress): string {
  const failedRows = step.failed_rows > 0 ? `, ${step.failed_rows} rows failed` : "";
  const errors = step.errors > 0 ? `, ${step.errors} errors` : "";
  return `${step.rows_out} rows, ${step.batches_done}/${step.batches_sent} batches${failedRows}${errors}`;
}

function runHeader(view: RunView): string {
  const stage = view.stages.find((s) => s.status === "running");
  const stageText = view.stages.length > 1 && stage ? `, stage ${stage.index + 1}/${view.stages.length}` : "";
  const stopText = view.stop && (view.status === "stopping" || view.status === "stopped") ? ` (${view.stop.reason})` : "";
  return `run ${view.id} (${view.name}): ${view.status}${stopText}${stageText}${usageText(view)}`;
}

/** LLM calls, tokens and cost so far; nothing before the first call (or from a server without usage). */
function usageText(view: RunView): string {
  const usage = view.usage;
  if (!usage || usage.requests + usage.cached_requests === 0) return "";
  const cost = usage.cost_usd === null ? "" : `, $${usage.cost_usd.toFixed(4)}`;
  return ` · ${usage.requests} LLM requests (${usage.cached_requests} cached), ${usage.input_tokens + usage.output_tokens} tokens${cost}`;
}

/**
 * The TTY display: a header and one bar per step. A step's total is not known while its
 * predecessors still send rows, so the bar shows the batches done of those sent so far.
 */
export function progressLines(view: RunView, columns = 100): string[] {
  const names = Object.keys(view.steps);
  const nameWidth = Math.min(32, Math.max(8, ...names.map((n) => n.length)));
  const barWidth = Math.max(10, Math.min(30, columns - nameWidth - 48));
  const lines = [runHeader(view)];
  for (const name of names) {
    const step = view.steps[name]!;
    const label = name.length > nameWidth ? `${name.slice(0, nameWidth - 1)}…` : name.padEnd(nameWidth);
    lines.push(
      `  ${label} ${progressBar(step.batches_done, step.batches_sent, barWidth, step.status === "finished")} ${stepCounts(step)}  ${step.status}${reusedText(step)}`,
    );
  }
  lines.push(...batchJobLines(view).map((line) => `  ${line}`));
  const latest = view.errors.at(-1);
  if (latest) lines.push(`  last error${latest.step ? ` in ${latest.step}` : ""}: ${latest.code}: ${oneLine(latest.message, columns - 20)}`);
  return lines;
}

/** For logs and pipes: one line per step whose progress changed, and one per run status change. */
export function progressUpdates(previous: RunView | undefined, view: RunView): string[] {
  const lines: string[] = [];
  if (previous?.status !== view.status) lines.push(runHeader(view));
  for (const [name, step] of Object.entries(view.steps)) {
    const before = previous?.steps[name];
    if (
      before &&
      before.status === step.status &&
      before.batches_done === step.batches_done &&
      before.batches_sent === step.batches_sent &&
      before.errors === step.errors &&
      before.failed_rows === step.failed_rows
    )
      continue;
    if (!before && step.status === "pending") continue;
    lines.push(`${name}: ${step.status}${reusedText(step)}, ${stepCounts(step)}`);
  }
  const before = new Set(previous ? batchJobLines(previous) : []);
  lines.push(...batchJobLines(view).filter((line) => !before.has(line)));
  return lines;
}

/** Provider batch jobs the run waits on (offline batch generation), one line each. */
function batchJobLines(view: RunView): string[] {
  return (view.offline_batches ?? []).map(
    (job) =>
      `batch job ${job.job_id} (${job.step} batch ${job.seq_no}): ${job.status}, ${job.counts.completed}/${job.counts.total} done${job.counts.failed > 0 ? `, ${job.counts.failed} failed` : ""}`,
  );
}
const reusedText = (step: { reused_from?: string | undefined }): string => (step.reused_from ? ` (reused from ${step.reused_from})` : "");

const oneLine = (text: string, max: number): string => {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, Math.max(10, max) - 1)}…` : flat;
};

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean | undefined;
  columns?: number | undefined;
}

/** Draws progress on `stream`: redrawn in place on a terminal, appended lines otherwise. */
export class ProgressRenderer {
  private drawn = 0;
  private last: RunView | undefined;

  constructor(private readonly stream: ProgressStream) {}

  update(view: RunView): void {
    if (this.stream.isTTY) {
      const lines = progressLines(view, this.stream.columns ?? 100);
      // Back to column 0 (a ^C echo moves the cursor), up over the previous frame, clear it, draw.
      const clear = this.drawn > 0 ? `\r\x1b[${this.drawn}A\x1b[0J` : "";
      this.stream.write(`${clear}${lines.join("\n")}\n`);
      this.drawn = lines.length;
    } else {
      const lines = progressUpdates(this.last, view);
      if (lines.length > 0) this.stream.write(`${lines.join("\n")}\n`);
    }
    this.last = view;
  }

  /** Text printed below the display (a prompt, a message) must not be overdrawn by the next frame. */
  release(): void {
    this.drawn = 0;
  }
}
