import type { RunView } from "../../cli/api-client.js";

/** A run's status as the CLI reads it: one stage holding `steps`, each step's counters zero unless given. */
export function cliRunView(status: RunView["status"], steps: Record<string, Partial<RunView["steps"][string]>>, errors: RunView["errors"] = []): RunView {
  return {
    id: "run-1",
    name: "quickstart",
    description: null,
    signature: "sig",
    cache_key: "key",
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
    use_cache: false,
    dry_run: false,
    status,
    stages: [{ index: 0, steps: Object.keys(steps), status: status === "succeeded" ? "finished" : "running" }],
    connections: Object.keys(steps).map((from) => ({ from, to: [] })),
    steps: Object.fromEntries(
      Object.entries(steps).map(([name, s]) => [
        name,
        { status: "pending", batches_sent: 0, batches_done: 0, rows_in: 0, rows_out: 0, errors: 0, failed_rows: 0, ...s },
      ]),
    ) as RunView["steps"],
    errors,
    error_count: errors.length,
    failed_rows: Object.values(steps).reduce((sum, s) => sum + (s.failed_rows ?? 0), 0),
  };
}
