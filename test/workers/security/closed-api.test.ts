import { describe, expect, it } from "vitest";
import { createDefaultRegistry } from "../../../src/default-registry.js";
import { postJson, workerHarness } from "../../support/worker-harness.js";
import { refusal } from "./support.js";

const registry = createDefaultRegistry();
const start = postJson({ pipeline: "anything" });

describe("the API is closed by default", () => {
  it("answers 401 on every /v1 route when API_TOKEN is unset and ALLOW_UNAUTHENTICATED is not 'true'", async () => {
    for (const overrides of [{ ALLOW_UNAUTHENTICATED: undefined }, { ALLOW_UNAUTHENTICATED: "false" }, { ALLOW_UNAUTHENTICATED: "yes" }]) {
      const closed = workerHarness({ registry }, { env: overrides as Partial<Env> });
      const error = await refusal(await closed.request("/v1/runs", start));
      expect(error.status).toBe(401);
      expect(error.message).toMatch(/no API_TOKEN is configured.*ALLOW_UNAUTHENTICATED/);
      expect((await closed.request("/v1/runs")).status).toBe(401);
      expect((await closed.request("/v1/pipelines")).status).toBe(401);
    }
  });

  it("treats an empty API_TOKEN as unset: closed, not open to an empty bearer", async () => {
    const closed = workerHarness({ registry }, { env: { API_TOKEN: "", ALLOW_UNAUTHENTICATED: undefined } as Partial<Env> });
    expect((await closed.request("/v1/runs", { ...start, headers: { ...(start.headers as object), authorization: "Bearer " } })).status).toBe(401);
  });

  it("opens only when the owner says ALLOW_UNAUTHENTICATED = 'true'", async () => {
    const open = workerHarness({ registry }, { env: { ALLOW_UNAUTHENTICATED: "true" } });
    expect((await open.request("/v1/pipelines")).status).toBe(200);
  });
});

describe("requests with a body must be JSON or YAML", () => {
  const open = workerHarness({ registry }, { env: { ALLOW_UNAUTHENTICATED: "true" } });
  const pipeline = JSON.stringify({ pipeline: "anything" });

  it("refuses what a web page can send cross-site without a preflight (415)", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const error = await refusal(await open.request("/v1/runs", { method: "POST", headers: { "content-type": type }, body: pipeline }));
      expect(error.status, type).toBe(415);
      expect(error.code).toBe("unsupported_media_type");
      expect(error.message).toMatch(/application\/json or application\/yaml/);
    }
  });

  it("refuses a body without a Content-Type instead of reading it as JSON", async () => {
    const error = await refusal(await open.request("/v1/runs", { method: "POST", body: new TextEncoder().encode(pipeline) }));
    expect(error.status).toBe(415);
    expect(error.message).toMatch(/no Content-Type/);
  });

  it("still accepts JSON and YAML, and bodiless POSTs", async () => {
    expect((await open.request("/v1/runs", postJson({ pipeline: "anything" }))).status).toBe(404);
    expect((await open.request("/v1/runs", { method: "POST", headers: { "content-type": "application/yaml" }, body: "pipeline:\n  name: x\n" })).status).toBe(
      400,
    );
    expect((await open.request("/v1/runs/0000000000-000000000000/stop", { method: "POST" })).status).toBe(404);
  });
});
