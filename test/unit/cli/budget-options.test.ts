import { describe, expect, it } from "vitest";
import { parseCommandLine } from "../../../cli/args.js";
import type { RunView } from "../../../cli/api-client.js";
import { budgetOptions, runOutcome } from "../../../cli/commands/runs.js";
import { createContext } from "../../../cli/context.js";
import { CliError } from "../../../cli/exit-codes.js";
import { progressLines } from "../../../cli/progress.js";
import { cliRunView } from "../../support/cli-run-view.js";

const streams = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin } as unknown as Parameters<typeof createContext>[1];
const contextOf = (argv: string[]) => createContext(parseCommandLine(argv, {}), streams);

function stoppedView(stop: RunView["stop"]): RunView {
  const view = cliRunView("stopped", { gen: { status: "running", batches_sent: 2, batches_done: 2, rows_in: 10, rows_out: 10 } });
  return { ...view, budget: { max_requests: 12, max_cost_usd: null }, ...(stop ? { stop } : {}) };
}

describe("budgets on the command line", () => {
  it("sends --max-cost-usd and --max-requests as the API's budget fields, on run and resume", () => {
    expect(budgetOptions(contextOf(["run", "quickstart", "--max-cost-usd", "0.5", "--max-requests", "100"]))).toEqual({ max_cost_usd: 0.5, max_requests: 100 });
    expect(budgetOptions(contextOf(["resume", "run-1", "--max-requests", "40"]))).toEqual({ max_requests: 40 });
    expect(budgetOptions(contextOf(["resume", "run-1"]))).toEqual({});
  });

  it("refuses a budget that is not a positive number as a usage error", () => {
    expect(() => budgetOptions(contextOf(["run", "quickstart", "--max-requests", "lots"]))).toThrow(CliError);
    expect(() => budgetOptions(contextOf(["run", "quickstart", "--max-cost-usd", "0"]))).toThrow(/--max-cost-usd must be a positive number/);
  });

  it("says a run stopped at its budget and how to go on", () => {
    const view = stoppedView({ reason: "budget", message: "budget reached: 10 used and 0 in flight of max_requests 12" });
    expect(runOutcome(view)).toBe(
      "run run-1 stopped: budget reached: 10 used and 0 in flight of max_requests 12 (distilflare resume run-1 --max-requests N or --max-cost-usd X goes on)",
    );
    expect(progressLines(view, 100)[0]).toContain("stopped (budget)");
    expect(runOutcome(stoppedView({ reason: "requested", message: "stop requested" }))).toBe("run run-1 stopped");
  });
});
