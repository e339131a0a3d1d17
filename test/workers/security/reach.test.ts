import { env } from "cloudflare:workers";
import { listDurableObjectIds } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createDefaultRegistry } from "../../../src/default-registry.js";
import { Pipeline } from "../../../src/pipeline/pipeline.js";
import { dumpPipeline } from "../../../src/pipeline/serialize.js";
import { LoadDataFromFileSystem } from "../../../src/steps/builtin/loaders/load-data-from-file-system.js";
import { LoadDataFromHub } from "../../../src/steps/builtin/loaders/load-data-from-hub.js";
import { KeepColumns } from "../../../src/steps/builtin/columns/keep-columns.js";
import { workerServices } from "../../../bindings/worker-services.js";
import { newRunId } from "../../../worker/cloudflare-run-service.js";
import { postJson, workerHarness } from "../../support/worker-harness.js";
import { attackerOrigin, expectNoSecretReceived, received, refusal, SECRETS } from "./support.js";

const registry = createDefaultRegistry();
const auth = { authorization: `Bearer ${SECRETS.API_TOKEN}` };
const deployment = workerHarness({ registry }, { env: { ...SECRETS }, headers: auth });

function fileLoader(dataFiles: string | string[]): Record<string, unknown> {
  const pipeline = new Pipeline({ name: "files" }).build(() => {
    new LoadDataFromFileSystem({ name: "load", dataFiles }).connect(new KeepColumns({ name: "keep", columns: ["n"] }));
  });
  return dumpPipeline(pipeline) as Record<string, unknown>;
}

function hubLoader(): Record<string, unknown> {
  const pipeline = new Pipeline({ name: "hub" }).build(() => {
    new LoadDataFromHub({ name: "load" }).connect(new KeepColumns({ name: "keep", columns: ["n"] }));
  });
  return dumpPipeline(pipeline) as Record<string, unknown>;
}

describe("what a pipeline can reach", () => {
  it("validates repo ids as the Hub does: no '.' or '..' segments that climb out of /datasets/", async () => {
    for (const repoId of ["../whoami-v2", "org/..", "./x", "org/a..b", "org/-x", "a/b/c"]) {
      const error = await refusal(
        await deployment.request("/v1/pipelines/validate", postJson({ pipeline: hubLoader(), parameters: { load: { repo_id: repoId } } })),
      );
      expect(error.status, repoId).toBe(400);
      expect(error.message).toMatch(/load\.repo_id/);
    }
    await expectNoSecretReceived();
  });

  it("reads only keys under the readable prefixes (inputs/ and runs/ by default)", async () => {
    await env.DATA.put("secrets/creds.jsonl", JSON.stringify({ n: "owner-only" }));
    await env.DATA.put("inputs/reach/a.jsonl", JSON.stringify({ n: 1 }));
    const outside = await refusal(await deployment.request("/v1/pipelines/validate", postJson({ pipeline: fileLoader("secrets/creds.jsonl") })));
    expect(outside.status).toBe(400);
    expect(outside.message).toMatch(/outside the prefixes steps may read \(inputs\/, runs\/\).*READABLE_PREFIXES/);
    // A `**` glob lists the readable prefixes only, so it never finds the owner's other objects.
    const glob = await refusal(await deployment.request("/v1/pipelines/validate", postJson({ pipeline: fileLoader("**/creds.jsonl") })));
    expect(glob.status).toBe(400);
    expect(glob.message).toMatch(/matches no object/);
    const keys = (await workerServices(env).blobs!.list("")).map((o) => o.key);
    expect(keys).toContain("inputs/reach/a.jsonl");
    expect(keys.filter((k) => !k.startsWith("inputs/") && !k.startsWith("runs/"))).toEqual([]);
    // The owner can widen it.
    const widened = workerHarness({ registry }, { env: { READABLE_PREFIXES: "secrets/" } });
    expect((await widened.request("/v1/pipelines/validate", postJson({ pipeline: fileLoader("secrets/creds.jsonl") }))).status).toBe(200);
  });

  it("refuses data_files URLs at loopback, link-local and private addresses unless listed, before fetching them", async () => {
    const before = (await received()).length;
    for (const url of [
      `${attackerOrigin()}/data.jsonl`,
      "http://169.254.169.254/latest/meta-data",
      "http://10.0.0.1/x.jsonl",
      "http://[::1]:8787/x.jsonl",
      "http://localhost:8787/v1/runs",
    ]) {
      const error = await refusal(await deployment.request("/v1/pipelines/validate", postJson({ pipeline: fileLoader(url) })));
      expect(error.status, url).toBe(400);
      expect(error.message).toMatch(/Step 'load' \(data_files\).*loopback, link-local or private address.*ALLOWED_ORIGINS/);
    }
    expect((await received()).length).toBe(before);
  });

  it("never echoes a fetched response body in an error message", async () => {
    const listed = workerHarness({ registry }, { env: { ALLOWED_ORIGINS: attackerOrigin() } });
    const error = await refusal(await listed.request("/v1/pipelines/validate", postJson({ pipeline: fileLoader(`${attackerOrigin()}/private.jsonl`) })));
    expect(error.status).toBe(502);
    expect(error.message).toMatch(/answered HTTP 500/);
    expect(JSON.stringify(error)).not.toContain("ATTACKER-BODY");
  });

  it("answers 404 for a run id that was never created, without creating its Durable Object", async () => {
    const id = newRunId();
    const open = workerHarness({ registry });
    for (const path of [`/v1/runs/${id}`, `/v1/runs/${id}/logs`]) expect((await open.request(path)).status, path).toBe(404);
    expect((await open.request(`/v1/runs/${id}/stop`, { method: "POST" })).status).toBe(404);
    const created = (await listDurableObjectIds(env.PIPELINE_RUN)).map((stored) => stored.toString());
    expect(created).not.toContain(env.PIPELINE_RUN.idFromName(id).toString());
  });
});
