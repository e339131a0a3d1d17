import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createDefaultRegistry } from "../../src/default-registry.js";
import { Pipeline } from "../../src/pipeline/pipeline.js";
import { dumpPipeline } from "../../src/pipeline/serialize.js";
import { LoadDataFromDicts } from "../../src/steps/builtin/load-data-from-dicts.js";
import type { PipelineRun } from "../../durable-objects/pipeline-run.js";
import { postJson, workerHarness } from "../support/worker-harness.js";

const harness = workerHarness({ registry: createDefaultRegistry(), pipelines: {} });

/** A push as a build before the SQLite values stored it: bare JSON under `push`, the token as a plain string. */
const earlierPush = {
  status: "failed",
  repo_id: "me/earlier",
  private: true,
  error: { code: "hub_failed", message: "The Hub answered 503" },
  requested_at: "2026-11-30T10:00:00.000Z",
  attempts: 1,
};

describe("a run created by an earlier build", () => {
  it("moves the Hub push it kept in the key-value store into the run's values, once", async () => {
    const pipeline = new Pipeline({ name: "wk-upgrade" }).build(() => {
      new LoadDataFromDicts({ name: "load", data: [{ text: "a" }] });
    });
    const started = await harness.json<{ id: string }>("/v1/runs", postJson({ pipeline: dumpPipeline(pipeline), use_cache: false }));
    expect(started.status).toBe(202);
    const id = started.body.id;
    expect((await harness.waitForRun(id)).status).toBe("succeeded");

    const stub = env.PIPELINE_RUN.get(env.PIPELINE_RUN.idFromName(id));
    await runInDurableObject(stub, async (instance: PipelineRun, state) => {
      await state.storage.put("push", JSON.stringify(earlierPush));
      await state.storage.put("push:token", "hf_earlier");
      // What the object does when it is started again after the upgrade.
      await (instance as unknown as { load(): Promise<void> }).load();

      const kv = Object.fromEntries(
        state.storage.sql
          .exec<{ key: string; value: string }>("SELECT key, value FROM run_kv WHERE key IN ('push', 'push:token')")
          .toArray()
          .map(({ key, value }) => [key, JSON.parse(value)]),
      );
      expect(kv.push).toEqual({ version: 1, value: earlierPush });
      expect(kv["push:token"]).toEqual({ version: 1, value: "hf_earlier" });
      expect(await state.storage.get(["push", "push:token"])).toEqual(new Map());
    });

    const view = await harness.json<{ push_to_hub?: unknown }>(`/v1/runs/${id}`);
    expect(view.body.push_to_hub).toEqual(earlierPush);
    expect(JSON.stringify(view.body)).not.toContain("hf_earlier");
  });

  it("leaves a run without an earlier push as it is", async () => {
    const pipeline = new Pipeline({ name: "wk-upgrade-none" }).build(() => {
      new LoadDataFromDicts({ name: "load", data: [{ text: "a" }] });
    });
    const started = await harness.json<{ id: string }>("/v1/runs", postJson({ pipeline: dumpPipeline(pipeline), use_cache: false }));
    const id = started.body.id;
    expect((await harness.waitForRun(id)).status).toBe("succeeded");
    const stub = env.PIPELINE_RUN.get(env.PIPELINE_RUN.idFromName(id));
    await runInDurableObject(stub, async (instance: PipelineRun, state) => {
      await (instance as unknown as { load(): Promise<void> }).load();
      expect(state.storage.sql.exec("SELECT key FROM run_kv WHERE key LIKE 'push%'").toArray()).toEqual([]);
    });
    expect((await harness.json<{ push_to_hub?: unknown }>(`/v1/runs/${id}`)).body.push_to_hub).toBeUndefined();
  });
});
