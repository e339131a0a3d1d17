/**
 * `npm run bench:runtime`: the runtime under `wrangler dev` against the script it replaces (the
 * `openai` client with a 64-call limiter), both calling the same loopback OpenAI-compatible
 * server with a fixed latency, in one process run. A benchmark, not a test: it prints numbers.
 *
 *   npm run bench:runtime                 # LLM cases, 20k dicts, 100k Parquet rows (a few minutes)
 *   npm run bench:runtime -- --big        # also the 1,000,000-row Parquet run (or BENCH_BIG=1)
 *   npm run bench:runtime -- --only 1m    # cases whose name contains "1m"
 *   npm run bench:runtime -- --no-fuse    # runs with `fuse_steps: false` (every batch through the queue)
 */
import { writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { writeParquet } from "../../src/distiset/parquet/index.js";
import { ApiClient } from "../../scripts/lib/api-client.js";
import { startWranglerDev, tempDir, type WranglerDev } from "../../scripts/lib/wrangler-dev.js";
import { DuckDb } from "../../test/support/duckdb.js";
import { FakeHubServer } from "../../test/support/fake-hub-server.js";
import { startFakeOpenAIServer, type FakeOpenAIServer } from "../../test/support/fake-openai-server.js";
import { describeError } from "../../src/llms/reliability/classify-error.js";
import { pLimitBaseline } from "./baseline.js";
import { benchRow, dictsPipeline, hubPipeline, llmPipeline } from "./pipelines.js";
import { PeakMemorySampler } from "./process-memory.js";
import { durableObjectBytes } from "./storage.js";
import { downloadDistiset, measureRun, type RunMeasure } from "./run-measure.js";

const args = process.argv.slice(2);
const big = args.includes("--big") || process.env.BENCH_BIG === "1";
const only = args.includes("--only") ? args[args.indexOf("--only") + 1] : undefined;
/** Run options every case's request carries. */
const runOptions = { use_cache: false, ...(args.includes("--no-fuse") ? { fuse_steps: false } : {}) };
const BASELINE_CONCURRENCY = 64;
/** Row groups of the stand-in Hub files: a loader batch reads (and decodes) only the groups holding its rows. */
const ROW_GROUP_SIZE = 10_000;

interface Case {
  name: string;
  rows: number;
  run: () => Promise<void>;
}

const fmt = (n: number, digits = 0): string => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const mb = (bytes: number): string => `${fmt(bytes / 1024 / 1024, 1)} MB`;

function hubFiles(rows: number, perFile: number): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  const count = Math.ceil(rows / perFile);
  for (let f = 0; f < count; f++) {
    const start = f * perFile;
    const part = Array.from({ length: Math.min(perFile, rows - start) }, (_, i) => benchRow(start + i));
    files[`data/train-${String(f).padStart(5, "0")}-of-${String(count).padStart(5, "0")}.parquet`] = writeParquet(part, undefined, {
      rowGroupSize: ROW_GROUP_SIZE,
    });
  }
  return files;
}

async function main(): Promise<void> {
  const servers = new Map<number, FakeOpenAIServer>();
  const serverFor = async (latencyMs: number): Promise<FakeOpenAIServer> => {
    const existing = servers.get(latencyMs);
    if (existing) return existing;
    const server = await startFakeOpenAIServer({ delayMs: latencyMs });
    servers.set(latencyMs, server);
    return server;
  };
  const hub = await FakeHubServer.start();
  let dev: WranglerDev | undefined;
  const duckdb = await DuckDb.open();
  const lines: string[] = [];
  const report = (line: string): void => {
    lines.push(line);
    console.log(line);
  };
  try {
    // The loopback servers are started first: the runtime calls only origins it is told to allow.
    const llmServers = await Promise.all([100, 1_000].map((latency) => serverFor(latency)));
    const allowed = [hub.url, ...llmServers.map((server) => server.url)].join(",");
    dev = await startWranglerDev({ vars: { ALLOW_UNAUTHENTICATED: "true", HF_ENDPOINT: hub.url, ALLOWED_ORIGINS: allowed } });
    const api = new ApiClient(dev.url);
    const memory = new PeakMemorySampler(dev.pid ?? 0);
    const persistTo = dev.persistTo;

    const llmCase = (rows: number, latencyMs: number, stream: boolean): Case => ({
      name: `${rows} rows, L = ${latencyMs} ms, ${stream ? "streamed" : "not streamed"}`,
      rows,
      run: async () => {
        const server = await serverFor(latencyMs);
        const baseUrl = server.baseUrl;
        const measured = await measureRun(api, { pipeline: llmPipeline({ rows, baseUrl, stream }), ...runOptions }, rows);
        const baseline = await pLimitBaseline({ baseUrl, rows, concurrency: BASELINE_CONCURRENCY });
        report(
          `| ${rows} rows, L = ${latencyMs} ms, ${stream ? "streamed" : "not streamed"} | ${fmt(measured.rowsPerSecond, 1)} rows/s | ${fmt(baseline.rowsPerSecond, 1)} rows/s | ${fmt(measured.rowsPerSecond / baseline.rowsPerSecond, 2)} | slowest status ${fmt(measured.slowestStatusMs)} ms (${measured.slowStatusCalls} of ${measured.statusCalls} over 250 ms) |`,
        );
      },
    });
    const parquetCase = (rows: number, perFile: number, batchSize: number): Case => ({
      name: `${rows} Parquet rows`,
      rows,
      run: async () => {
        const repo = `bench/rows-${rows}`;
        hub.hub.addDataset(repo, { files: hubFiles(rows, perFile) });
        const bytesBefore = durableObjectBytes(persistTo, "PipelineRun");
        memory.start();
        const measured = await measureRun(
          api,
          { pipeline: hubPipeline(rows, batchSize), parameters: { load: { repo_id: repo, split: "train" } }, ...runOptions },
          rows,
          { timeoutMs: 60 * 60_000 },
        );
        const peak = memory.stop();
        const stored = durableObjectBytes(persistTo, "PipelineRun") - bytesBefore;
        const check = await distinctRows(duckdb, api, measured);
        report(
          `| ${rows} rows from Parquet -> KeepColumns -> FormatTextGenerationSFT, batches of ${batchSize} | ${fmt(measured.rowsPerSecond, 0)} rows/s | | | slowest status ${fmt(measured.slowestStatusMs)} ms (${measured.slowStatusCalls} of ${measured.statusCalls} over 250 ms); workerd peak RSS ${mb(peak)}; run DO storage ${mb(stored)}; rows ${fmt(check.rows)}, distinct ${fmt(check.distinct)} |`,
        );
      },
    });
    const cases: Case[] = [
      llmCase(1_000, 100, false),
      llmCase(1_000, 100, true),
      llmCase(2_000, 100, true),
      llmCase(2_000, 1_000, true),
      {
        name: "20000 dict rows",
        rows: 20_000,
        run: async () => {
          const measured = await measureRun(api, { pipeline: dictsPipeline(20_000), ...runOptions }, 20_000);
          report(
            `| 20000 rows, dicts -> KeepColumns -> FormatTextGenerationSFT | ${fmt(measured.rowsPerSecond, 0)} rows/s | | | slowest status ${fmt(measured.slowestStatusMs)} ms (${measured.slowStatusCalls} of ${measured.statusCalls} over 250 ms) |`,
          );
        },
      },
      parquetCase(100_000, 100_000, 1_000),
      ...(big ? [parquetCase(1_000_000, 100_000, 1_000)] : []),
    ];
    report(`| case | runtime | p-limit(${BASELINE_CONCURRENCY}) script | ratio | notes |`);
    report("|---|---|---|---|---|");
    for (const c of cases) {
      if (only && !c.name.includes(only)) continue;
      report(
        `load average ${loadavg()
          .map((l) => l.toFixed(2))
          .join(" ")} before '${c.name}'`,
      );
      try {
        await c.run();
      } catch (error) {
        report(`| ${c.name} | FAILED: ${describeError(error)} | | | |`);
      }
    }
  } catch (error) {
    console.error(dev?.output().slice(-4000));
    throw error;
  } finally {
    if (process.env.BENCH_WRANGLER_LOG && dev) writeFileSync(process.env.BENCH_WRANGLER_LOG, dev.output());
    duckdb.close();
    await dev?.stop();
    await hub.close();
    for (const server of servers.values()) await server.stop();
  }
  console.log(`\n${lines.join("\n")}`);
}

async function distinctRows(duckdb: DuckDb, api: ApiClient, measured: RunMeasure): Promise<{ rows: number; distinct: number }> {
  const files = await downloadDistiset(api, measured.runId, tempDir("distilflare-bench-"));
  const list = files.map((f) => `'${f}'`).join(", ");
  const [row] = await duckdb.rows(`SELECT count(*) AS n, count(DISTINCT prompt) AS d FROM read_parquet([${list}])`);
  return { rows: Number(row?.n), distinct: Number(row?.d) };
}

await main();
