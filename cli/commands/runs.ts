import { EXIT, usageError, type ExitCode } from "../exit-codes.js";
import type { RunView } from "../api-client.js";
import { downloadDistiset } from "../distiset-download.js";
import { progressLines } from "../progress.js";
import { TERMINAL_STATUSES, flag, print, sleep, stringOption, type CommandContext } from "../context.js";

/** A run's one-line outcome: its status, and the error or the budget that ended it. */
export function runOutcome(view: RunView): string {
  const error = view.error ?? (view.status === "failed" ? view.errors.at(-1) : undefined);
  const failedRows = view.failed_rows > 0 ? ` (${view.failed_rows} rows failed, kept with null outputs)` : "";
  const budget =
    view.status === "stopped" && view.stop?.reason === "budget"
      ? `: ${view.stop.message} (distilflare resume ${view.id} --max-requests N or --max-cost-usd X goes on)`
      : "";
  return `run ${view.id} ${view.status}${failedRows}${error ? `: ${error.code}: ${error.message}` : budget}`;
}

/** `--max-cost-usd` and `--max-requests` as the API's budget fields (positive numbers; the API checks the rest). */
export function budgetOptions(ctx: CommandContext): { max_cost_usd?: number; max_requests?: number } {
  const budget: { max_cost_usd?: number; max_requests?: number } = {};
  for (const [option, field] of [
    ["max-cost-usd", "max_cost_usd"],
    ["max-requests", "max_requests"],
  ] as const) {
    const text = stringOption(ctx, option);
    if (text === undefined) continue;
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0) throw usageError(`--${option} must be a positive number, got '${text}'`);
    budget[field] = value;
  }
  return budget;
}

export async function status(ctx: CommandContext): Promise<ExitCode> {
  const view = await ctx.client.getRun(ctx.line.args[0]!);
  print(ctx, view, () => progressLines(view, ctx.streams.stdout.columns ?? 100));
  return EXIT.ok;
}

export async function list(ctx: CommandContext): Promise<ExitCode> {
  const limitText = stringOption(ctx, "limit");
  const limit = limitText === undefined ? undefined : Number(limitText);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw usageError(`--limit must be a positive integer, got '${limitText}'`);
  const page = await ctx.client.listRuns(limit);
  print(ctx, page, () =>
    page.runs.length === 0 ? "No runs yet" : page.runs.map((r) => `${r.id}  ${r.status.padEnd(9)}  ${r.created_at}  ${r.name}${r.dry_run ? " (dry run)" : ""}`),
  );
  return EXIT.ok;
}

export async function stop(ctx: CommandContext): Promise<ExitCode> {
  const view = await ctx.client.stopRun(ctx.line.args[0]!);
  print(ctx, view, () => `run ${view.id} ${view.status}`);
  return EXIT.ok;
}

export async function resume(ctx: CommandContext): Promise<ExitCode> {
  const view = await ctx.client.resumeRun(ctx.line.args[0]!, budgetOptions(ctx));
  print(ctx, view, () => `run ${view.id} ${view.status}`);
  return EXIT.ok;
}

/** Prints the log; with `--follow`, keeps printing what is added until the run ends. */
export async function logs(ctx: CommandContext): Promise<ExitCode> {
  const id = ctx.line.args[0]!;
  let printed = 0;
  const printNew = async (): Promise<void> => {
    const text = await ctx.client.logs(id);
    // A run's live log is replaced by pipeline.log when it ends; print it whole if it shrank.
    if (text.length < printed) printed = 0;
    if (text.length > printed) ctx.streams.stdout.write(text.slice(printed));
    printed = text.length;
  };
  await printNew();
  if (!flag(ctx, "follow")) return EXIT.ok;
  for (;;) {
    const view = await ctx.client.getRun(id);
    await printNew();
    if (TERMINAL_STATUSES.has(view.status)) return view.status === "succeeded" ? EXIT.ok : EXIT.runNotSucceeded;
    await sleep(ctx.pollMs);
  }
}

export async function download(ctx: CommandContext): Promise<ExitCode> {
  const out = stringOption(ctx, "out");
  if (!out) throw usageError("distilflare download needs --out DIR");
  const saved = await downloadDistiset(ctx.client, ctx.line.args[0]!, out);
  print(ctx, saved, () => describeDownload(saved));
  return EXIT.ok;
}

export function describeDownload(saved: Awaited<ReturnType<typeof downloadDistiset>>): string[] {
  return [
    `Distiset saved to ${saved.out} (README.md, pipeline.yaml, pipeline.log):`,
    ...Object.entries(saved.configs).map(([name, c]) => `  ${name}: ${c.num_rows} rows in ${c.files.join(", ")}`),
  ];
}

export async function push(ctx: CommandContext): Promise<ExitCode> {
  const [id, repo] = ctx.line.args as [string, string];
  const result = await ctx.client.pushToHub(id, {
    repo_id: repo,
    private: flag(ctx, "private"),
    token: stringOption(ctx, "hf-token"),
    commit_message: stringOption(ctx, "commit-message"),
  });
  print(ctx, result, () => `Pushed ${result.num_rows} rows to ${result.url} (commit ${result.commit.oid})`);
  return EXIT.ok;
}
