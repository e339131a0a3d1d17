/** Browser module: per-step and per-run progress from the run counters. Served as `/dashboard/progress.js`. */
export const PROGRESS_JS = String.raw`// How far a run is, from the counters GET /v1/runs/{id} reports. A step does not know its
// total up front (generators stop when their data ends), so a running step counts the
// batches sent so far; a finished step is 100%.
export const TERMINAL = ["succeeded", "failed", "stopped"];

export function stepPercent(step) {
  if (step.status === "finished") return 100;
  if (!step.batches_sent) return 0;
  return Math.min(99, Math.floor((100 * step.batches_done) / step.batches_sent));
}

export function runPercent(run) {
  if (run.status === "succeeded") return 100;
  const steps = Object.values(run.steps);
  if (steps.length === 0) return 0;
  const total = steps.reduce((sum, step) => sum + stepPercent(step), 0);
  return Math.min(99, Math.floor(total / steps.length));
}

export function currentStage(run) {
  const running = run.stages.find((stage) => stage.status === "running");
  return running ? running.index : null;
}

export function isTerminal(run) {
  return TERMINAL.includes(run.status);
}
`;
