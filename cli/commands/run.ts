import { EXIT, usageError, type ExitCode } from "../exit-codes.js";
import type { RunView } from "../api-client.js";
import { downloadDistiset, type DownloadedDistiset } from "../distiset-download.js";
import { InterruptHandler } from "../interrupt.js";
import { parseParams } from "../parameters.js";
import { pipelineRequest, readPipelineSource } from "../pipeline-source.js";
import { ProgressRenderer } from "../progress.js";
import { TERMINAL_STATUSES, flag, listOption, print, sleep, stringOption, type CommandContext } from "../context.js";
import { budgetOptions, describeDownload, runOutcome } from "./runs.js";

type PushStatus = NonNullable<RunView["push_to_hub"]>;

/** A push asked for with the run is done by the run's Durable Object after it succeeds. */
const pushFinished = (push: PushStatus | undefined): boolean => push === undefined || push.status === "succeeded" || push.status === "failed";

/** Polls the run until it ends (and its push, if any, is done), drawing progress; Ctrl+C asks what to do. */
async function watch(ctx: CommandContext, id: string): Promise<{ view: RunView; detached: boolean }> {
  const renderer = new ProgressRenderer(ctx.streams.stderr);
  const interrupts = new InterruptHandler(ctx.streams);
  interrupts.install();
  let stopping = false;
  try {
    for (;;) {
      const view = await ctx.client.getRun(id);
      renderer.update(view);
      if (TERMINAL_STATUSES.has(view.status) && pushFinished(view.push_to_hub)) return { view, detached: false };
      if (interrupts.interrupted) {
        renderer.release();
        const choice = await interrupts.choose(stopping);
        if (choice === "detach") return { view, detached: true };
        if (choice === "stop" && !stopping) {
          stopping = true;
          await ctx.client.stopRun(id);
          ctx.streams.stderr.write(`Stopping run ${id}; finished batches are kept (distilflare resume ${id} continues it)\n`);
        }
      }
      await sleep(ctx.pollMs);
    }
  } finally {
    interrupts.uninstall();
  }
}

export async function run(ctx: CommandContext): Promise<ExitCode> {
  const source = readPipelineSource(ctx.line.args[0]!);
  const parameters = parseParams(listOption(ctx, "param"));
  const repo = stringOption(ctx, "push-to-hub");
  if (flag(ctx, "private") && !repo) throw usageError("--private only applies with --push-to-hub REPO");
  const out = stringOption(ctx, "out");
  if (out && flag(ctx, "detach"))
    throw usageError("--out needs the run to finish; it cannot be combined with --detach (use distilflare download ID --out DIR later)");
  const started = await ctx.client.startRun({
    ...pipelineRequest(source, parameters),
    use_cache: !flag(ctx, "no-cache"),
    accept_failed_rows: flag(ctx, "accept-failed-rows"),
    dry_run: flag(ctx, "dry-run"),
    push_to_hub: repo ? { repo_id: repo, private: flag(ctx, "private"), token: stringOption(ctx, "hf-token") } : undefined,
    ...budgetOptions(ctx),
  });
  const id = started.id;
  ctx.streams.stderr.write(
    started.cached
      ? `Run ${id} (${started.run.name}) is a cached run with the same signature: ${started.status}\n`
      : `Started run ${id} (${started.run.name}) on ${ctx.line.global.url}\n`,
  );
  if (flag(ctx, "detach")) {
    print(ctx, started, () => [id, `Follow it with: distilflare status ${id} (or logs ${id} --follow)`]);
    return EXIT.ok;
  }

  const { view, detached } = await watch(ctx, id);
  if (detached) {
    print(ctx, { run: view, detached: true }, () => `Detached from run ${id} (${view.status}); it goes on in the Worker: distilflare status ${id}`);
    return EXIT.ok;
  }
  let saved: DownloadedDistiset | undefined;
  if (view.status === "succeeded" && out) saved = await downloadDistiset(ctx.client, id, out);
  const push = view.push_to_hub;
  print(ctx, { run: view, ...(saved ? { distiset: saved } : {}) }, () => [
    runOutcome(view),
    ...(saved
      ? describeDownload(saved)
      : view.status === "succeeded"
        ? [`Distiset: ${ctx.line.global.url}/v1/runs/${id}/distiset (save it with distilflare download ${id} --out DIR)`]
        : []),
    ...(push ? [push.status === "succeeded" ? `Pushed to ${push.url}` : `Push to ${push.repo_id} failed: ${push.error?.code}: ${push.error?.message}`] : []),
  ]);
  if (view.status !== "succeeded" || (push && push.status !== "succeeded")) return EXIT.runNotSucceeded;
  return EXIT.ok;
}
