import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeParquet } from "../../../src/distiset/parquet/index.js";
import {
  executePush,
  markPushCutOff,
  MAX_PUSH_ATTEMPTS,
  pendingPush,
  pushIsDue,
  PUSH_RETRY_AFTER_MS,
  startPushAttempt,
} from "../../../src/hub/scheduled-push.js";
import { MemoryBlobStore, putJson } from "../../../src/runtime/blob-store.js";
import { runKeys } from "../../../src/runtime/run-keys.js";
import { FAKE_HUB_WRITE_TOKEN, FakeHubServer } from "../../support/fake-hub-server.js";

let hub: FakeHubServer;
const store = new MemoryBlobStore();
const runId = "scheduled";

beforeAll(async () => {
  hub = await FakeHubServer.start();
  const bytes = writeParquet([{ a: 1 }, { a: 2 }]);
  const path = runKeys.distisetFile(runId, "default", "train", 0);
  await store.put(path, bytes);
  await putJson(store, runKeys.manifest(runId), {
    run_id: runId,
    pipeline: "scheduled",
    created_at: "2026-01-01T00:00:00Z",
    configs: { default: { step: "load", columns: ["a"], splits: { train: { num_rows: 2, files: [{ path, size_bytes: bytes.byteLength, num_rows: 2 }] } } } },
  });
});
afterAll(async () => hub.close());

const services = (secrets: Record<string, string>) => ({
  secret: (name: string) => secrets[name],
  fetch: (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init),
});

describe("scheduled pushes (push_to_hub when a run succeeds)", () => {
  it("records a request without its token", () => {
    const push = pendingPush({ repo_id: "me/auto", private: true, token: "hf_secret", commit_message: "auto" }, new Date("2026-01-01T00:00:00Z"));
    expect(push).toEqual({ status: "pending", repo_id: "me/auto", private: true, commit_message: "auto", requested_at: "2026-01-01T00:00:00.000Z" });
  });

  it("is due when pending, or when a running push was cut off long ago", () => {
    const pending = pendingPush({ repo_id: "me/a", private: false });
    expect(pushIsDue(pending)).toBe(true);
    const running = { ...pending, status: "running" as const, started_at: new Date(1_000_000).toISOString() };
    expect(pushIsDue(running, 1_000_000 + 60_000)).toBe(false);
    expect(pushIsDue(running, 1_000_000 + PUSH_RETRY_AFTER_MS + 1)).toBe(true);
    expect(pushIsDue({ ...pending, status: "succeeded" })).toBe(false);
    expect(pushIsDue(undefined)).toBe(false);
  });

  it("counts attempts and gives up on a push cut off every time instead of retrying it for ever", () => {
    let push = pendingPush({ repo_id: "me/data", private: false });
    const start = Date.parse("2026-01-01T00:00:00Z");
    for (let attempt = 1; attempt <= MAX_PUSH_ATTEMPTS; attempt++) {
      expect(markPushCutOff(push)).toBeUndefined();
      push = startPushAttempt(push, new Date(start + attempt * 2 * PUSH_RETRY_AFTER_MS));
      expect(push).toMatchObject({ status: "running", attempts: attempt });
      // cut off: still running long after it started
      expect(pushIsDue(push, start + attempt * 2 * PUSH_RETRY_AFTER_MS + PUSH_RETRY_AFTER_MS + 1)).toBe(true);
    }
    const failed = markPushCutOff(push, new Date(start));
    expect(failed).toMatchObject({ status: "failed", attempts: MAX_PUSH_ATTEMPTS, error: { code: "remote_failed" } });
    expect(failed?.error?.message).toContain(`started ${MAX_PUSH_ATTEMPTS} time(s) and cut off each time`);
    expect(pushIsDue(failed)).toBe(false);
  });

  it("pushes with the request's token and reports the commit", async () => {
    const result = await executePush({
      store,
      runId,
      push: pendingPush({ repo_id: "me/auto", private: false, commit_message: "scheduled push" }),
      token: FAKE_HUB_WRITE_TOKEN,
      services: services({ HF_ENDPOINT: hub.url }),
    });
    expect(result).toMatchObject({ status: "succeeded", repo_id: "me/auto", url: `${hub.url}/datasets/me/auto`, num_rows: 2 });
    expect(result.commit?.oid).toBe(hub.repo("me/auto")?.commits.at(-1)?.oid);
    expect(hub.repo("me/auto")?.commits.at(-1)?.title).toBe("scheduled push");
    expect(result.finished_at).toBeDefined();
  });

  it("falls back to the HF_TOKEN secret and records a failure instead of throwing", async () => {
    const ok = await executePush({
      store,
      runId,
      push: pendingPush({ repo_id: "me/secret", private: false }),
      services: services({ HF_ENDPOINT: hub.url, HF_TOKEN: FAKE_HUB_WRITE_TOKEN }),
    });
    expect(ok.status).toBe("succeeded");
    const failed = await executePush({ store, runId, push: pendingPush({ repo_id: "me/none", private: false }), services: services({ HF_ENDPOINT: hub.url }) });
    expect(failed).toMatchObject({
      status: "failed",
      error: { code: "remote_failed", message: "Pushing to dataset 'me/none' needs a Hub token with write access: pass token or set the HF_TOKEN secret" },
    });
  });
});
