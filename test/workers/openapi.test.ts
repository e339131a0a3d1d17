import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createApi } from "../../src/api/app.js";
import { createDefaultRegistry } from "../../src/default-registry.js";
import { Pipeline } from "../../src/pipeline/pipeline.js";
import { LoadDataFromDicts } from "../../src/steps/builtin/loaders/load-data-from-dicts.js";
import { TextGeneration } from "../../src/tasks/text-generation/text-generation.js";
import { CloudflareRunService } from "../../worker/cloudflare-run-service.js";
import { ScriptedLLM } from "../support/scripted-llm.js";
import { postJson, workerHarness } from "../support/worker-harness.js";

const registry = createDefaultRegistry().register(ScriptedLLM);
const pipelines = {
  scripted: {
    build: () =>
      new Pipeline({ name: "openapi-scripted" }).build(() => {
        const load = new LoadDataFromDicts({ name: "load", data: [{ instruction: "q0" }, { instruction: "q1" }], batchSize: 2 });
        load.connect(new TextGeneration({ name: "generate", llm: new ScriptedLLM({ replies: ["a: {input}"] }) }));
      }),
  },
};
const harness = workerHarness({ registry, pipelines });

interface Operation {
  parameters?: Array<{ name: string; in: string }>;
  requestBody?: unknown;
  responses: Record<string, unknown>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
}

let document: Document;
let runId: string;

beforeAll(async () => {
  const started = await harness.startRun({ pipeline: "scripted", use_cache: false });
  runId = started.body.id;
  expect((await harness.waitForRun(runId)).status).toBe("succeeded");
  document = (await harness.json<Document>("/openapi.json")).body;
});

/** A value for each path parameter that names something that exists. */
function concretePath(path: string): string {
  const values: Record<string, string> = { id: runId, config: "default", split: "train", file: path.startsWith("/dashboard/") ? "app.js" : "00000.parquet" };
  return path.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? name);
}

/** Bodies that exercise each POST without side effects outside this test (no Hub push). */
const BODIES: Record<string, unknown> = {
  "/v1/runs": { pipeline: "scripted" },
  "/v1/pipelines/validate": { pipeline: "scripted" },
  "/v1/runs/{id}/push_to_hub": {},
  "/v1/runs/{id}/stop": {},
  "/v1/runs/{id}/resume": {},
};

describe("/openapi.json against the running routes", () => {
  it("is generated from the route definitions, with the shared schemas as components", () => {
    expect(Object.keys(document.paths).length).toBeGreaterThan(10);
    expect(Object.keys(document.components.schemas)).toEqual(expect.arrayContaining(["Run", "RunList", "StartRunBody", "Distiset", "Rows", "Error"]));
    const listRuns = document.paths["/v1/runs"]!.get!;
    expect(listRuns.parameters?.map((p) => `${p.in}:${p.name}`)).toEqual(["query:limit", "query:cursor"]);
    const rows = document.paths["/v1/runs/{id}/rows"]!.get!;
    expect(rows.parameters?.map((p) => `${p.in}:${p.name}`)).toEqual(["path:id", "query:config", "query:split", "query:offset", "query:length"]);
  });

  it("documents only routes that exist, and each answers with a status it documents", async () => {
    const checked: string[] = [];
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const body = BODIES[path];
        const init: RequestInit = method === "post" ? postJson(body ?? {}) : { method: method.toUpperCase(), headers: { accept: "application/json" } };
        const response = await harness.request(concretePath(path), init);
        const text = await response.text();
        expect(text, `${method} ${path}`).not.toContain("No route for");
        expect(Object.keys(operation.responses), `${method} ${path} answered ${response.status}: ${text.slice(0, 200)}`).toContain(String(response.status));
        checked.push(`${method} ${path}`);
      }
    }
    expect(checked).toEqual(expect.arrayContaining(["get /v1/runs/{id}/distiset/{config}/{split}/{file}", "post /v1/runs", "get /"]));
  });

  it("documents every route the app registers", () => {
    const app = createApi(new CloudflareRunService(env, registry, pipelines));
    const registered = app.routes
      .filter((route) => route.method !== "ALL")
      .map((route) => `${route.method.toLowerCase()} ${route.path.replace(/:(\w+)/g, "{$1}")}`);
    const documented = Object.entries(document.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method} ${path}`));
    expect(new Set(registered)).toEqual(new Set(documented));
  });

  it("answers HEAD on a Parquet file like GET, without the body", async () => {
    const path = concretePath("/v1/runs/{id}/distiset/{config}/{split}/{file}");
    const get = await harness.request(path);
    const head = await harness.request(path, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String((await get.arrayBuffer()).byteLength));
    expect(head.headers.get("etag")).toBe(get.headers.get("etag"));
    expect((await head.arrayBuffer()).byteLength).toBe(0);
  });

  it("answers a bad documented parameter with the API's error body naming it", async () => {
    const { status, body } = await harness.json<{ error: { code: string; message: string; details: { field: string } } }>(`/v1/runs/${runId}/rows?length=0`);
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: "invalid_request", details: { field: "length" } });
    expect(body.error.message).toContain("Invalid query parameters: 'length'");
  });
});
