import { describe, expect, it } from "vitest";
import { logLine, statusLogLine } from "../../../src/runtime/run-log-line.js";

const at = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));

describe("run log lines", () => {
  it("carry the time, the level and the message", () => {
    expect(logLine("WARNING", "careful", at)).toBe("2026-01-02T03:04:05.000Z WARNING careful");
  });

  it("say a new status with the run's error, or the reason of a stop", () => {
    expect(statusLogLine("running", { error: null }, at)).toBe("2026-01-02T03:04:05.000Z INFO Run status: running");
    expect(statusLogLine("failed", { error: { code: "run_stalled", message: "stuck" } }, at)).toBe("2026-01-02T03:04:05.000Z ERROR Run status: failed: stuck");
    expect(statusLogLine("stopped", { error: null, stop: { reason: "budget", message: "max_requests reached" } }, at)).toBe(
      "2026-01-02T03:04:05.000Z INFO Run status: stopped (budget): max_requests reached",
    );
    // A stop's reason is said only while the run is stopping or stopped.
    expect(statusLogLine("running", { error: null, stop: { reason: "budget", message: "x" } }, at)).toBe("2026-01-02T03:04:05.000Z INFO Run status: running");
  });
});
