import { execFileSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../scripts/lib/wrangler-dev.js";

const ROOT = resolve(import.meta.dirname, "../..");
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1", CI: "1" };

describe("the Worker deploys as built", () => {
  it("bundles with `wrangler deploy --dry-run` under the 10 MiB script limit", () => {
    const outdir = tempDir("distilflare-deploy-");
    const output = execFileSync("npx", ["wrangler", "deploy", "--dry-run", "--outdir", outdir], {
      cwd: ROOT,
      env,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    expect(output).toContain("--dry-run: exiting now.");
    for (const binding of [
      "PIPELINE_RUN (PipelineRun)",
      "RUN_INDEX (RunIndex)",
      "RATE_LIMITER (LlmRateLimiter)",
      "STEP_QUEUE",
      "CONTROL_QUEUE",
      "DATA (distilflare-data)",
    ]) {
      expect(output).toContain(binding);
    }
    const bundle = join(outdir, "index.js");
    expect(existsSync(bundle)).toBe(true);
    expect(statSync(bundle).size).toBeLessThan(10 * 1024 * 1024);
  });

  it("has its generated Env types up to date with wrangler.toml", () => {
    const check = (): unknown =>
      execFileSync(
        "npx",
        ["wrangler", "types", "--env-interface", "Env", "--include-runtime", "false", "--strict-vars", "false", "--check", "worker-configuration.d.ts"],
        { cwd: ROOT, env, stdio: "pipe" },
      );
    expect(check).not.toThrow();
  });
});
