import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ApiClient } from "../../scripts/lib/api-client.js";

export interface RunMeasure {
  runId: string;
  seconds: number;
  rowsPerSecond: number;
  /** The slowest `GET /v1/runs/:id` while the run went on. */
  slowestStatusMs: number;
  /** How many status calls there were, and how many took longer than the 250 ms. */
  statusCalls: number;
  slowStatusCalls: number;
  /** From the POST until a poll saw the run succeed. */
  polledSeconds: number;
}

/** Issue 10's bound on a status call while a run goes on. */
const SLOW_STATUS_MS = 250;

/** Starts a run and polls its status until it ends: wall time from the POST to `succeeded`. */
export async function measureRun(
  api: ApiClient,
  body: Record<string, unknown>,
  rows: number,
  options: { timeoutMs?: number; pollMs?: number } = {},
): Promise<RunMeasure> {
  const started = performance.now();
  const { status, body: created } = await api.post<{ id?: string; error?: unknown }>("/v1/runs", body);
  const postSeconds = (performance.now() - started) / 1000;
  if (status !== 202 || !created.id) throw new Error(`POST /v1/runs answered ${status}: ${JSON.stringify(created).slice(0, 500)}`);
  const runId = created.id;
  let slowest = 0;
  let calls = 0;
  let slowCalls = 0;
  let failedPolls = 0;
  let finished: { created_at?: string; updated_at?: string } = {};
  const deadline = Date.now() + (options.timeoutMs ?? 30 * 60_000);
  for (;;) {
    const asked = performance.now();
    let answer: { status: number; body: { status?: string; error?: unknown } };
    try {
      // A poll that never answers must not hang the benchmark: it counts as a dropped poll.
      answer = await api.json<{ status?: string; error?: unknown }>(`/v1/runs/${runId}`, { signal: AbortSignal.timeout(60_000) });
    } catch (error) {
      // A loaded machine drops a poll now and then; many in a row means the server is gone.
      if (++failedPolls > 20) throw error;
      await new Promise((r) => setTimeout(r, 500));
      continue;
    }
    const tookMs = performance.now() - asked;
    slowest = Math.max(slowest, tookMs);
    calls++;
    if (tookMs > SLOW_STATUS_MS) slowCalls++;
    const { status: code, body: run } = answer;
    if (code === 200 && run.status === "succeeded") {
      finished = run as { created_at?: string; updated_at?: string };
      break;
    }
    if (code === 200 && (run.status === "failed" || run.status === "stopped"))
      throw new Error(`run ${runId} ${run.status}: ${JSON.stringify(run.error ?? run).slice(0, 500)}`);
    if (Date.now() > deadline) throw new Error(`run ${runId} did not finish in time`);
    await new Promise((r) => setTimeout(r, options.pollMs ?? 100));
  }
  // The run's own clock (created -> succeeded) plus the POST: a loaded machine may notice the end
  // of a run late through polling, which is not the runtime's time.
  const ranFor = (Date.parse(finished.updated_at ?? "") - Date.parse(finished.created_at ?? "")) / 1000;
  const seconds = Number.isFinite(ranFor) ? postSeconds + ranFor : (performance.now() - started) / 1000;
  return {
    runId,
    seconds,
    rowsPerSecond: rows / seconds,
    slowestStatusMs: slowest,
    statusCalls: calls,
    slowStatusCalls: slowCalls,
    polledSeconds: (performance.now() - started) / 1000,
  };
}

interface Manifest {
  configs: Record<string, { splits: { train: { files: Array<{ path: string }> } } }>;
}

/** Downloads every Parquet file of a run's Distiset; returns the local paths. */
export async function downloadDistiset(api: ApiClient, runId: string, dir: string): Promise<string[]> {
  const { body: manifest } = await api.json<Manifest>(`/v1/runs/${runId}/distiset`);
  const paths: string[] = [];
  for (const config of Object.values(manifest.configs)) {
    for (const [i, file] of config.splits.train.files.entries()) {
      const response = await api.request(file.path);
      if (!response.ok) throw new Error(`GET ${file.path} answered ${response.status}`);
      const local = join(dir, `part-${paths.length}-${i}.parquet`);
      writeFileSync(local, new Uint8Array(await response.arrayBuffer()));
      paths.push(local);
    }
  }
  return paths;
}
