import type { RunState, RunStatus } from "../engine/run-state.js";

export type LogLevel = "INFO" | "WARNING" | "ERROR";

/** A line of a run's `pipeline.log`: ISO time, level, message. */
export function logLine(level: LogLevel, message: string, at: Date = new Date()): string {
  return `${at.toISOString()} ${level} ${message}`;
}

/** The line a change of the run's status writes: the error of a failed run, the reason of a stop. */
export function statusLogLine(status: RunStatus, state: Pick<RunState, "error" | "stop">, at: Date = new Date()): string {
  const detail = state.error
    ? `${status}: ${state.error.message}`
    : state.stop && (status === "stopping" || status === "stopped")
      ? `${status} (${state.stop.reason}): ${state.stop.message}`
      : status;
  return logLine(status === "failed" ? "ERROR" : "INFO", `Run status: ${detail}`, at);
}
