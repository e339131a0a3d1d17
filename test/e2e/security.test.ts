import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWranglerDev, type WranglerDev } from "../../scripts/lib/wrangler-dev.js";

let dev: WranglerDev;

beforeAll(async () => {
  // As a deployment that forgot `wrangler secret put API_TOKEN`: no token, no ALLOW_UNAUTHENTICATED.
  dev = await startWranglerDev({ closed: true });
});

afterAll(async () => {
  await dev?.stop();
});

describe("wrangler dev without API_TOKEN or ALLOW_UNAUTHENTICATED", () => {
  it("answers 401 on POST /v1/runs, naming the settings that open it", async () => {
    const response = await fetch(`${dev.url}/v1/runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ pipeline: "quickstart" }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toContain("Bearer");
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("unauthorized");
    expect(body.error.message).toMatch(/API_TOKEN.*ALLOW_UNAUTHENTICATED/);
    expect((await fetch(`${dev.url}/v1/runs`)).status).toBe(401);
  });

  it("answers a text/plain POST, the kind a web page sends without a preflight, without starting anything", async () => {
    const response = await fetch(`${dev.url}/v1/runs`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: JSON.stringify({ pipeline: "quickstart" }),
    });
    expect(response.status).toBe(401);
  });
});
