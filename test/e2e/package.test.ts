import { execFile } from "node:child_process";
import { copyFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWranglerDev, tempDir, type WranglerDev } from "../../scripts/lib/wrangler-dev.js";
import { startFakeOpenAIServer, type FakeOpenAIServer } from "../support/fake-openai-server.js";

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "../..");
const WRANGLER = [process.execPath, join(ROOT, "node_modules/wrangler/bin/wrangler.js")];
const quiet = { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1", npm_config_audit: "false", npm_config_fund: "false" };

let tarball = "";
let files: string[] = [];
let project = "";
let llm: FakeOpenAIServer | undefined;
let dev: WranglerDev | undefined;

// `npm pack` builds dist/ (prepack) and packs it, as `npm publish` would.
beforeAll(async () => {
  const destination = tempDir("distilflare-pack-");
  const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", destination], { cwd: ROOT, env: quiet, maxBuffer: 64 * 1024 * 1024 });
  const [packed] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = join(destination, packed!.filename);
  files = packed!.files.map((f) => f.path);
}, 600_000);

afterAll(async () => {
  await dev?.stop();
  await llm?.stop();
});

describe("the npm package", () => {
  it("holds the compiled library, its declarations, the CLI and the examples, and no tests or fixtures", () => {
    for (const entry of [
      "dist/src/index.js",
      "dist/src/index.d.ts",
      "dist/worker/exports.js",
      "dist/worker/exports.d.ts",
      "dist/cli/bin.js",
      "bin/distilflare.mjs",
      "examples/quickstart.yaml",
      "examples/worker/wrangler.toml",
    ]) {
      expect(files).toContain(entry);
    }
    const unexpected = files.filter(
      (path) =>
        /(^|\/)(test|tests|fixtures|bench)\//.test(path) ||
        /\.test\.|\.spec\./.test(path) ||
        (path.endsWith(".ts") && !path.endsWith(".d.ts") && path !== "examples/worker/worker.ts") ||
        !/^(dist|bin|examples)\/|^(package\.json|README\.md|worker-configuration\.d\.ts|worker\/env\.d\.ts)$/.test(path),
    );
    expect(unexpected).toEqual([]);
  });

  it("installed in an empty project, a 10-line worker.ts deploys (dry run) and runs a pipeline in wrangler dev", async () => {
    project = tempDir("distilflare-user-");
    await run("npm", ["init", "-y"], { cwd: project, env: quiet });
    await run("npm", ["install", "--prefer-offline", tarball], { cwd: project, env: quiet, maxBuffer: 64 * 1024 * 1024 });
    for (const file of readdirSync(join(ROOT, "examples/worker"))) copyFileSync(join(ROOT, "examples/worker", file), join(project, file));

    const deploy = await run(WRANGLER[0]!, [WRANGLER[1]!, "deploy", "--dry-run", "--outdir", "build"], { cwd: project, env: quiet });
    expect(deploy.stdout).toContain("env.PIPELINE_RUN (PipelineRun)");

    llm = await startFakeOpenAIServer();
    dev = await startWranglerDev({ cwd: project, wrangler: WRANGLER, vars: { OPENAI_BASE_URL: llm.baseUrl, ALLOW_UNAUTHENTICATED: "true" } });
    // The installed `distilflare` command runs the compiled CLI.
    const cli = await run(process.execPath, [join(project, "node_modules/.bin/distilflare"), "run", "hello", "--json", "--url", dev.url], {
      cwd: project,
      env: quiet,
    });
    const { run: view } = JSON.parse(cli.stdout) as { run: { status: string; steps: Record<string, { rows_out: number }> } };
    expect(view.status).toBe("succeeded");
    expect(view.steps.text_generation_0!.rows_out).toBe(2);
  }, 600_000);
});
