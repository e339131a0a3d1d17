import { env } from "cloudflare:workers";
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createDefaultRegistry } from "../../src/default-registry.js";
import { Pipeline } from "../../src/pipeline/pipeline.js";
import { dumpPipeline } from "../../src/pipeline/serialize.js";
import { LoadDataFromDicts } from "../../src/steps/builtin/loaders/load-data-from-dicts.js";
import { TextGeneration } from "../../src/tasks/text-generation/text-generation.js";
import { createWorker } from "../../worker/create-worker.js";
import { ScriptedLLM } from "../support/scripted-llm.js";
import { workerHarness } from "../support/worker-harness.js";

const registry = createDefaultRegistry().register(ScriptedLLM);

function scripted(name: string, rows = 5): Pipeline {
  return new Pipeline({ name }).build(() => {
    const load = new LoadDataFromDicts({ name: "load", data: Array.from({ length: rows }, (_, i) => ({ instruction: `q${i}` })), batchSize: 2 });
    load.connect(new TextGeneration({ name: "generate", llm: new ScriptedLLM({ replies: ["a: {input}"] }), inputBatchSize: 2 }));
  });
}

const pipelines = { scripted: { description: "a scripted pipeline", build: () => scripted("registered-scripted") } };

describe("auth", () => {
  const secured = workerHarness({ registry, pipelines }, { env: { API_TOKEN: "s3cret-token" } });

  it("answers 401 without a bearer token when API_TOKEN is set", async () => {
    const response = await secured.request("/v1/runs");
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toContain("Bearer");
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
  });

  it("answers 401 for a wrong token, even one sharing a prefix", async () => {
    for (const token of ["s3cret", "s3cret-token-x", "S3CRET-TOKEN", ""]) {
      const response = await secured.request("/v1/pipelines", { headers: { authorization: `Bearer ${token}` } });
      expect(response.status, token).toBe(401);
    }
  });

  it("accepts the right token on every /v1 route", async () => {
    const response = await secured.request("/v1/pipelines", { headers: { authorization: "Bearer s3cret-token" } });
    expect(response.status).toBe(200);
  });

  it("keeps /openapi.json public", async () => {
    expect((await secured.request("/openapi.json")).status).toBe(200);
  });

  it("is open without API_TOKEN only because this ring sets ALLOW_UNAUTHENTICATED (local development)", async () => {
    const open = workerHarness({ registry, pipelines });
    expect((await open.request("/v1/pipelines")).status).toBe(200);
  });
});

describe("registered pipelines, dry runs, datasets and cron", () => {
  const harness = workerHarness({ registry, pipelines, schedules: [{ cron: "*/5 * * * *", pipeline: "scripted" }] });

  it("lists registered pipelines with their runtime parameters", async () => {
    const { body } = await harness.json<{
      pipelines: Array<{ name: string; steps: Array<{ name: string; runtime_parameters_info: Array<{ name: string }> }> }>;
    }>("/v1/pipelines");
    const entry = body.pipelines.find((p) => p.name === "scripted");
    expect(entry?.steps.map((s) => s.name)).toEqual(["load", "generate"]);
    const generate = entry?.steps.find((s) => s.name === "generate");
    expect(generate?.runtime_parameters_info.map((p) => p.name)).toEqual(expect.arrayContaining(["input_batch_size", "llm", "num_generations"]));
  });

  it("runs a registered pipeline by name with parameters", async () => {
    const { status, body } = await harness.startRun({ pipeline: "scripted", parameters: { generate: { num_generations: 2 } }, use_cache: false });
    expect(status).toBe(202);
    const run = await harness.waitForRun(body.id);
    expect(run.status).toBe("succeeded");
    const { body: rows } = await harness.json<{ num_rows: number }>(`/v1/runs/${body.id}/rows`);
    expect(rows.num_rows).toBe(10);
  });

  it("dry-runs one batch of one row through the whole DAG, never cached", async () => {
    const body = { pipeline: dumpPipeline(scripted("wk-dry", 9)), dry_run: true };
    const first = await harness.startRun(body);
    const run = await harness.waitForRun(first.body.id);
    expect(run.status).toBe("succeeded");
    expect(run.dry_run).toBe(true);
    expect((run.steps as Record<string, { rows_out: number; batches_done: number }>).load).toMatchObject({ rows_out: 1, batches_done: 1 });
    const { body: rows } = await harness.json<{ rows: Array<{ instruction: string; generation: string }> }>(`/v1/runs/${first.body.id}/rows`);
    expect(rows.rows).toEqual([expect.objectContaining({ instruction: "q0", generation: "a: q0" })]);
    const second = await harness.startRun<{ cached: boolean }>(body);
    expect(second.status).toBe(202);
    expect(second.body.id).not.toBe(first.body.id);
  });

  it("feeds a `dataset` to a pipeline defined without a loader", async () => {
    const pipeline = new Pipeline({ name: "wk-dataset" }).build(() => {
      new TextGeneration({ name: "generate", llm: new ScriptedLLM({ replies: ["d: {input}"] }) });
    });
    const { status, body } = await harness.startRun({
      pipeline,
      dataset: [{ instruction: "x" }, { instruction: "y" }, { instruction: "z" }],
      dataset_batch_size: 2,
      use_cache: false,
    });
    expect(status).toBe(202);
    const run = await harness.waitForRun(body.id);
    expect(run.status).toBe("succeeded");
    const { body: rows } = await harness.json<{ rows: Array<{ generation: string }> }>(`/v1/runs/${body.id}/rows`);
    expect(rows.rows.map((r) => r.generation)).toEqual(["d: x", "d: y", "d: z"]);
  });

  it("starts the pipelines scheduled for the cron that fired, and only those", async () => {
    const worker = createWorker({
      registry,
      pipelines,
      schedules: [
        { cron: "*/5 * * * *", pipeline: "scripted" },
        { cron: "0 0 * * *", pipeline: "scripted" },
      ],
    });
    const before = (await harness.json<{ runs: Array<{ id: string }> }>("/v1/runs?limit=200")).body.runs.length;
    const ctx = createExecutionContext();
    await worker.scheduled?.(createScheduledController({ cron: "*/5 * * * *", scheduledTime: Date.now() }), env, ctx);
    await waitOnExecutionContext(ctx);
    const { body } = await harness.json<{ runs: Array<{ id: string; name: string }> }>("/v1/runs?limit=200");
    expect(body.runs.length).toBe(before + 1);
    const run = await harness.waitForRun(body.runs[0]!.id);
    expect(run).toMatchObject({ name: "registered-scripted", status: "succeeded" });
  });

  it("paginates runs newest first with a cursor", async () => {
    const page1 = await harness.json<{ runs: Array<{ id: string; created_at: string }>; next_cursor: string | null }>("/v1/runs?limit=2");
    expect(page1.body.runs).toHaveLength(2);
    expect(page1.body.next_cursor).not.toBeNull();
    const page2 = await harness.json<{ runs: Array<{ id: string; created_at: string }> }>(
      `/v1/runs?limit=2&cursor=${encodeURIComponent(page1.body.next_cursor!)}`,
    );
    expect(page2.body.runs.length).toBeGreaterThan(0);
    const all = [...page1.body.runs, ...page2.body.runs];
    expect(new Set(all.map((r) => r.id)).size).toBe(all.length);
    expect(all.map((r) => r.created_at)).toEqual([...all.map((r) => r.created_at)].sort().reverse());
    const bad = await harness.json<{ error: { code: string; message: string } }>("/v1/runs?limit=0");
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("limit");
  });
});

describe("the live page", () => {
  const harness = workerHarness({ registry, pipelines });

  it("serves the runs page to browsers and JSON to API clients", async () => {
    const page = await harness.request("/", { headers: { accept: "text/html,application/xhtml+xml" } });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    const html = await page.text();
    expect(html).toContain('<script type="module" src="/dashboard/app.js"></script>');
    const { body } = await harness.json<{ runs: string; openapi: string }>("/");
    expect(body).toMatchObject({ runs: "/v1/runs", openapi: "/openapi.json" });
  });

  it("cannot be framed and runs no inline script or style", async () => {
    const page = await harness.request("/", { headers: { accept: "text/html" } });
    expect(page.headers.get("x-frame-options")).toBe("DENY");
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    const html = await page.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle=|<style|\son\w+=/);
  });

  it("serves every module the page imports, and nothing else under /dashboard", async () => {
    const pending = ["app.js"];
    const seen = new Set<string>();
    while (pending.length > 0) {
      const file = pending.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const response = await harness.request(`/dashboard/${file}`);
      expect(response.status, file).toBe(200);
      expect(response.headers.get("content-type")).toContain("text/javascript");
      for (const [, imported] of (await response.text()).matchAll(/from "\.\/([\w-]+\.js)"/g)) pending.push(imported!);
    }
    expect(seen.size).toBeGreaterThan(5);
    expect((await harness.request("/dashboard/page.css")).headers.get("content-type")).toContain("text/css");
    expect((await harness.request("/dashboard/toString")).status).toBe(404);
    expect((await harness.request("/dashboard/..%2Fopenapi.json")).status).toBe(404);
  });
});
