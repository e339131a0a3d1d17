export type LogLevel = "INFO" | "WARNING" | "ERROR";

/** A line of a run's `pipeline.log`: ISO time, level, message. */
export function logLine(level: LogLevel, message: string, at: Date = new Date()): string {
  return `${at.toISOString()} ${level} ${message}`;
}
