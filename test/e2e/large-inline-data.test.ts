import { afterAll, describe, expect, it } from "vitest";
import { Pipeline } from "../../src/pipeline/pipeline.js";
import { dumpPipeline } from "../../src/pipeline/serialize.js";
import { KeepColumns } from "../../src/steps/builtin/columns/keep-columns.js";
import { LoadDataFromDicts } from "../../src/steps/builtin/loaders/load-data-from-dicts.js";
import { ApiClient } from "../../scripts/lib/api-client.js";
import { startWranglerDev, tempDir, type WranglerDev } from "../../scripts/lib/wrangler-dev.js";

let dev: WranglerDev | undefined;

afterAll(async () => {
  await dev?.stop("SIGKILL");
});

const ROWS = 100_000;

describe("a pipeline with large inline data", () => {
  it("runs 100,000 rows of inline LoadDataFromDicts data (a 5 MB body) and answers status reads meanwhile", async () => {
    dev = await startWranglerDev({ persistTo: tempDir("distilflare-inline-") });
    const api = new ApiClient(dev.url);
    const pipeline = new Pipeline({ name: "e2e-inline-100k" }).build(() => {
      const data = Array.from({ length: ROWS }, (_, i) => ({ instruction: `inline prompt number ${i}` }));
      const load = new LoadDataFromDicts({ name: "load", data, batchSize: 5_000 });
      load.connect(new KeepColumns({ name: "keep", columns: ["instruction"], inputBatchSize: 5_000 }));
    });
    const body = { pipeline: dumpPipeline(pipeline), use_cache: false };
    expect(JSON.stringify(body).length).toBeGreaterThan(3_000_000);
    const { status, body: started } = await api.post<{ id: string }>("/v1/runs", body);
    expect(status, JSON.stringify(started)).toBe(202);
    const run = await api.waitForRun(started.id, { timeoutMs: 150_000 });
    expect(run.status, JSON.stringify(run)).toBe("succeeded");
    const steps = run.steps as Record<string, { rows_out: number }>;
    expect(steps.keep?.rows_out).toBe(ROWS);
    const { body: rows } = await api.json<{ num_rows: number; rows: Array<{ instruction: string }> }>(`/v1/runs/${started.id}/rows?offset=99998&length=2`);
    expect(rows.num_rows).toBe(ROWS);
    expect(rows.rows.map((r) => r.instruction)).toEqual(["inline prompt number 99998", "inline prompt number 99999"]);
  });
});
