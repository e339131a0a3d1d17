import { describe, expect, it } from "vitest";
import { Distiset } from "../../../src/distiset/distiset.js";
import { InvalidManifestError, readManifest, type DistisetManifest } from "../../../src/distiset/manifest.js";
import { MemoryBlobStore, putJson } from "../../../src/runtime/blob-store.js";
import { runKeys } from "../../../src/runtime/run-keys.js";

const manifest: DistisetManifest = { run_id: "run-1", pipeline: "p", configs: {}, created_at: "2026-01-01T00:00:00.000Z" };

describe("readManifest", () => {
  it("returns nothing for a run without a Distiset and the parsed manifest for one with it", async () => {
    const store = new MemoryBlobStore();
    expect(await readManifest(store, "run-1")).toBeUndefined();
    await putJson(store, runKeys.manifest("run-1"), manifest);
    expect(await readManifest(store, "run-1")).toEqual(manifest);
  });

  it("fails with a typed storage_failed error naming the key when the manifest does not parse", async () => {
    const store = new MemoryBlobStore();
    await putJson(store, runKeys.manifest("run-1"), { run_id: "run-1", configs: 3 });
    const error = await readManifest(store, "run-1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidManifestError);
    expect(error).toMatchObject({ code: "storage_failed", details: { run_id: "run-1", key: "runs/run-1/distiset.json" } });
  });

  it("is what Distiset.fromStore reads: a damaged manifest is a storage error, not a schema exception", async () => {
    const store = new MemoryBlobStore();
    await putJson(store, runKeys.manifest("run-1"), { pipeline: 1 });
    await expect(Distiset.fromStore(store, "run-1")).rejects.toMatchObject({ code: "storage_failed" });
  });
});
