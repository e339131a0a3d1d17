/**
 * The main job, locally: starts `wrangler dev` (local Durable Objects, Queues and R2), runs the
 * example `quickstart` pipeline over the HTTP API, shows progress, then prints the Distiset
 * manifest, a few rows and where the Parquet files are.
 *
 *   npm run demo                     # a local stand-in model answers
 *   OPENAI_API_KEY=sk-... npm run demo   # a real model (gpt-4o-mini)
 *   OPENAI_BASE_URL=http://localhost:11434/v1 npm run demo   # any OpenAI-compatible server (Ollama, vLLM...)
 */
import { resolve } from "node:path";
import { ApiClient } from "./lib/api-client.js";
import { startWranglerDev } from "./lib/wrangler-dev.js";
import type { RunView } from "../cli/api-client.js";
import { ProgressRenderer } from "../cli/progress.js";
import { startLocalServices } from "../cli/stand-ins.js";

const ROOT = resolve(import.meta.dirname, "..");

const PIPELINE = process.argv[2] ?? "quickstart";

async function main(): Promise<void> {
  const services = await startLocalServices(ROOT);
  for (const line of services.description) console.log(line);
  console.log("");
  // A local queue keeps nothing across a reload of wrangler dev: lost work is sent again once its
  // lease (WORK_LEASE_SECONDS in wrangler.toml) lapses.
  const vars: Record<string, string> = { ...services.vars, ALLOW_UNAUTHENTICATED: "true" };

  const persistTo = resolve(".wrangler/demo-state");
  console.log("Starting wrangler dev (local Durable Objects, Queues and R2)...");
  const dev = await startWranglerDev({ persistTo, vars });
  const api = new ApiClient(dev.url);
  try {
    console.log(`Worker ready at ${dev.url}\n`);
    const { status, body } = await api.post<{ id: string; status: string; error?: { message: string } }>("/v1/runs", { pipeline: PIPELINE, use_cache: false });
    if (status !== 202 && status !== 200) throw new Error(`could not start the run (${status}): ${JSON.stringify(body)}`);
    console.log(`POST /v1/runs {"pipeline": "${PIPELINE}"} -> ${status}, run ${body.id}`);

    const renderer = new ProgressRenderer(process.stdout);
    const run = await api.waitForRun(body.id, { timeoutMs: 600_000, onProgress: (view) => renderer.update(view as unknown as RunView) });
    if (run.status !== "succeeded") throw new Error(`run ended ${String(run.status)}: ${JSON.stringify(run.error ?? run.errors)}`);

    const { body: manifest } = await api.json<{
      configs: Record<string, { columns: string[]; splits: { train: { num_rows: number; files: Array<{ path: string; size_bytes: number }> } } }>;
    }>(`/v1/runs/${body.id}/distiset`);
    console.log("\nDistiset manifest (GET /v1/runs/{id}/distiset):");
    const summary = Object.fromEntries(
      Object.entries(manifest.configs).map(([name, c]) => [
        name,
        { columns: c.columns, splits: { train: { num_rows: c.splits.train.num_rows, files: c.splits.train.files } } },
      ]),
    );
    console.log(JSON.stringify({ configs: summary }, null, 2));
    const config = Object.keys(manifest.configs)[0] ?? "default";
    const { body: rows } = await api.json<{ rows: Array<Record<string, unknown>> }>(`/v1/runs/${body.id}/rows?config=${config}&length=3`);
    console.log(`\nFirst rows of '${config}':`);
    for (const row of rows.rows) console.log(JSON.stringify(row, null, 2));
    console.log("\nParquet files (Range requests work, so DuckDB/hyparquet can read them remotely):");
    for (const [name, c] of Object.entries(manifest.configs))
      for (const f of c.splits.train.files) console.log(`  ${name}: ${dev.url}${f.path} (${f.size_bytes} bytes)`);
    console.log(`  stored in the local R2 bucket 'distilflare-data' under runs/${body.id}/distiset/ (state: ${persistTo})`);
    console.log(`\nAlso: ${dev.url}/v1/runs/${body.id}/logs, ${dev.url}/v1/runs/${body.id}/pipeline.yaml, ${dev.url}/v1/runs/${body.id}/README.md`);
  } finally {
    await dev.stop();
    await services.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
