import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../cli/main.js";
import { EXIT } from "../../cli/exit-codes.js";
import { writeParquet } from "../../src/distiset/parquet/index.js";
import { freePort, startWranglerDev, tempDir, type WranglerDev } from "../../scripts/lib/wrangler-dev.js";
import { DuckDb } from "../support/duckdb.js";
import { useFakeOpenAIServer } from "../support/use-fake-openai-server.js";
import { FAKE_HUB_WRITE_TOKEN, FakeHubServer, quickstartRows } from "../support/fake-hub-server.js";

const ROOT = resolve(import.meta.dirname, "../..");
const llm = useFakeOpenAIServer();
let hub: FakeHubServer;
let dev: WranglerDev;
let duckdb: DuckDb;

beforeAll(async () => {
  hub = await FakeHubServer.start();
  hub.addDataset("distilabel-internal-testing/instruction-dataset-mini", { files: { "data/test-00000-of-00001.parquet": writeParquet(quickstartRows(10)) } });
  dev = await startWranglerDev({ vars: { OPENAI_BASE_URL: llm.baseUrl, HF_ENDPOINT: hub.url, HF_TOKEN: FAKE_HUB_WRITE_TOKEN, ALLOW_UNAUTHENTICATED: "true" } });
  duckdb = await DuckDb.open();
});

afterAll(async () => {
  duckdb?.close();
  await dev?.stop();
  await hub?.close();
});

/** The CLI in this process, its output captured (nothing is a terminal here). */
async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main([...argv, "--url", dev.url], {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    stdin: process.stdin,
  });
  return { code, stdout, stderr };
}

/** The installed command itself, through its launcher: a child process with real exit codes. */
function binary(argv: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(ROOT, "bin/distilflare.mjs"), ...argv], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("exit", (code) => done({ code, stdout, stderr }));
  });
}

async function runExample(file: string, ...extra: string[]): Promise<{ id: string; status: string }> {
  const result = await cli("run", `examples/${file}`, "--no-cache", "--json", ...extra);
  expect(result.stderr).not.toContain("distilflare:");
  expect(result.code).toBe(EXIT.ok);
  const { run } = JSON.parse(result.stdout) as { run: { id: string; status: string } };
  return run;
}

const rowCount = async (dir: string, config: string): Promise<number> =>
  Number((await duckdb.rows(`SELECT count(*) AS n FROM read_parquet('${join(dir, config, "train", "*.parquet")}')`))[0]!.n);

describe("distilflare run against wrangler dev", () => {
  let quickstartId = "";

  it("runs examples/quickstart.yaml from the Hub, prints progress lines, and writes a Distiset DuckDB reads", async () => {
    const out = tempDir("distilflare-cli-out-");
    const result = await binary([
      "run",
      "examples/quickstart.yaml",
      "--out",
      out,
      "--no-cache",
      "--param",
      "text_generation.llm.generation_kwargs.temperature=0.2",
      "--url",
      dev.url,
    ]);
    expect(result.stderr).toMatch(/^Started run \S+ \(quickstart\)/);
    expect(result.stderr).toContain("text_generation: finished, 10 rows");
    expect(result.code).toBe(EXIT.ok);
    expect(result.stdout).toMatch(/succeeded\n.*Distiset saved to/);
    quickstartId = /run (\S+) succeeded/.exec(result.stdout)![1]!;
    expect(await rowCount(out, "default")).toBe(10);
    const rows = await duckdb.rows(`SELECT instruction, generation FROM read_parquet('${join(out, "default/train/*.parquet")}') ORDER BY instruction LIMIT 1`);
    expect(String(rows[0]!.generation)).toContain(String(rows[0]!.instruction));
    for (const file of ["README.md", "pipeline.yaml", "pipeline.log"]) expect(existsSync(join(out, file))).toBe(true);
    expect(readFileSync(join(out, "README.md"), "utf8")).toContain("path: default/train/*.parquet");
    expect(readFileSync(join(out, "pipeline.yaml"), "utf8")).toContain("temperature: 0.2");
  });

  it("chains a run on the quickstart's Distiset (examples/chained.yaml)", async () => {
    const run = await runExample("chained.yaml", "--param", `load_previous_run.dataset_path=${quickstartId}`);
    const out = tempDir("distilflare-cli-chained-");
    const saved = await cli("download", run.id, "--out", out);
    expect(saved.code).toBe(EXIT.ok);
    const rows = await duckdb.rows(`SELECT first_generation, generation FROM read_parquet('${join(out, "default/train/*.parquet")}')`);
    expect(rows).toHaveLength(10);
    expect(String(rows[0]!.generation)).toContain(String(rows[0]!.first_generation));
  });

  it("runs the routing, preference, Magpie, Evol-Instruct and structured-output examples", async () => {
    const routing = await runExample("routing.yaml");
    const preference = await runExample("preference.yaml");
    await runExample("magpie.yaml");
    await runExample("evol-instruct.yaml");
    await runExample("structured-output.yaml");
    const out = tempDir("distilflare-cli-preference-");
    expect((await cli("download", preference.id, "--out", out)).code).toBe(EXIT.ok);
    expect(await duckdb.types(join(out, "default/train/*.parquet"))).toMatchObject({
      prompt: "VARCHAR",
      chosen: expect.stringContaining("STRUCT"),
      rejected: expect.stringContaining("STRUCT"),
    });
    const status = await cli("status", routing.id, "--json");
    const view = JSON.parse(status.stdout) as { steps: Record<string, { rows_out: number }> };
    expect(view.steps.group_generations!.rows_out).toBe(4);
  });
});

describe("the other commands", () => {
  it("lists runs, shows logs, describes and validates pipelines", async () => {
    const list = await cli("list", "--limit", "3");
    expect(list.code).toBe(EXIT.ok);
    expect(list.stdout.trim().split("\n")).toHaveLength(3);
    const id = list.stdout.split(/\s+/)[0]!;
    expect((await cli("logs", id, "--follow")).stdout).toContain(`Run '${id}'`);
    expect((await cli("info", "quickstart")).stdout).toContain("text_generation (TextGeneration)");
    expect((await cli("info", "examples/quickstart.yaml")).stdout).toMatch(/llm\.generation_kwargs\.temperature +optional/);
    const validated = await cli("validate", "examples/preference.yaml", "--sample-row", '{"instruction": "Why is the sky blue?"}');
    expect(validated.code).toBe(EXIT.ok);
    expect(validated.stdout).toContain("preference is valid");
    expect(validated.stdout).toMatch(/Prompt of text_generation_0:\n(.*\n)*.*Why is the sky blue\?/);
  });

  it("pushes to the Hub with the run (--push-to-hub) and afterwards (push)", async () => {
    const pushed = await cli("run", "examples/structured-output.yaml", "--no-cache", "--push-to-hub", "me/cli-characters", "--private");
    expect(pushed.stderr).not.toContain("distilflare:");
    expect(pushed.code).toBe(EXIT.ok);
    expect(pushed.stdout).toContain("Pushed to ");
    expect(hub.repo("me/cli-characters")?.private).toBe(true);
    const id = /run (\S+) succeeded/.exec(pushed.stdout)![1]!;
    const again = await cli("push", id, "me/cli-characters-again", "--json");
    expect(again.code).toBe(EXIT.ok);
    expect(JSON.parse(again.stdout)).toMatchObject({ repo_id: "me/cli-characters-again", num_rows: 3 });
  });

  it("stops and resumes a run", async () => {
    const started = await cli("run", "examples/preference.yaml", "--no-cache", "--detach", "--json");
    expect(started.code).toBe(EXIT.ok);
    const { id } = JSON.parse(started.stdout) as { id: string };
    expect((await cli("stop", id)).stdout).toMatch(new RegExp(`run ${id} (stopping|stopped)`));
    await expect.poll(async () => (await cli("status", id, "--json")).stdout, { timeout: 60_000, interval: 500 }).toContain('"status": "stopped"');
    expect((await cli("resume", id)).code).toBe(EXIT.ok);
    expect((await cli("logs", id, "--follow")).code).toBe(EXIT.ok);
  });

  it("fails with one line naming the problem and a documented exit code", async () => {
    const missing = await cli("status", "0mx9k3don-339d7f26b6d5");
    expect(missing).toMatchObject({ code: EXIT.apiError, stdout: "" });
    expect(missing.stderr).toMatch(/^distilflare: not_found: Run '0mx9k3don-339d7f26b6d5' not found\n$/);
    const badParam = await cli("run", "examples/quickstart.yaml", "--param", "text_generation.llm.generation_kwargs.bogus=1");
    expect(badParam.code).toBe(EXIT.apiError);
    expect(badParam.stderr.trim().split("\n")).toHaveLength(1);
    expect(badParam.stderr).toContain("bogus");
    expect((await cli("run", "examples/nope.yaml")).code).toBe(EXIT.usage);
    const closed = await freePort();
    const unreachable = await main(["list", "--url", `http://127.0.0.1:${closed}`], {
      stdout: { write: () => true },
      stderr: { write: () => true },
      stdin: process.stdin,
    });
    expect(unreachable).toBe(EXIT.unreachable);
  });
});
