import type { OpenAPIHono } from "@hono/zod-openapi";
import { DistilflareError, NotFoundError } from "../errors.js";
import { readManifest } from "../distiset/manifest.js";
import { blobAsyncBuffer } from "../distiset/blob-async-buffer.js";
import { readParquetRowsFromAsyncBuffer } from "../distiset/parquet/index.js";
import { getText } from "../runtime/blob-store.js";
import { runKeys, RUN_ID_PATTERN } from "../runtime/run-keys.js";
import { parseByteRange } from "./byte-range.js";
import { readJsonObject, readOptionalJsonObject, readStartRunRequest, invalidRequest } from "./request-body.js";
import { runLinks } from "./run-links.js";
import type { RunService } from "./run-service.js";
import {
  cardRoute,
  distisetRoute,
  getRunRoute,
  listRunsRoute,
  logsRoute,
  parquetFileRoute,
  pipelineYamlRoute,
  pushToHubRoute,
  resumeRunRoute,
  rowsRoute,
  startRunRoute,
  stopRunRoute,
} from "./run-route-definitions.js";
import { pushToHubOptionsSchema, resumeRunBodySchema } from "./schemas.js";

function runId(id: string): string {
  if (!RUN_ID_PATTERN.test(id)) throw new NotFoundError(`Run '${id}' not found`, { run_id: id });
  return id;
}

async function manifestOf(service: RunService, id: string) {
  const manifest = await readManifest(service.store, id);
  if (manifest) return manifest;
  const run = await service.getRun(id);
  throw new DistilflareError("conflict", `Run '${id}' is ${run.status}; its Distiset is written when it succeeds`, { run_id: id, status: run.status });
}

export function registerRunRoutes(app: OpenAPIHono, service: RunService): void {
  app.openapi(startRunRoute, async (c) => {
    const request = await readStartRunRequest(c);
    const result = await service.startRun(request);
    return c.json(
      { id: result.run.id, status: result.run.status, signature: result.run.signature, cached: result.cached, links: runLinks(result.run.id), run: result.run },
      result.status,
    );
  });

  app.openapi(listRunsRoute, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    return c.json(await service.listRuns({ limit, cursor }), 200);
  });

  app.openapi(getRunRoute, async (c) => c.json(await service.getRun(runId(c.req.param("id"))), 200));
  app.openapi(stopRunRoute, async (c) => c.json(await service.stopRun(runId(c.req.param("id"))), 200));
  app.openapi(resumeRunRoute, async (c) => {
    const id = runId(c.req.param("id"));
    const body = resumeRunBodySchema.safeParse(await readOptionalJsonObject(c));
    if (!body.success) throw invalidRequest(body.error, "request body");
    return c.json(await service.resumeRun(id, { budget: body.data }), 200);
  });

  app.openapi(pushToHubRoute, async (c) => {
    const id = runId(c.req.param("id"));
    const body = pushToHubOptionsSchema.safeParse(await readJsonObject(c));
    if (!body.success) throw invalidRequest(body.error, "request body");
    return c.json(await service.pushToHub(id, body.data), 200);
  });

  app.openapi(logsRoute, async (c) => c.text(await service.logs(runId(c.req.param("id"))), 200, { "content-type": "text/plain; charset=utf-8" }));

  app.openapi(pipelineYamlRoute, async (c) => {
    const id = runId(c.req.param("id"));
    const text = await getText(service.store, runKeys.pipelineYaml(id));
    if (text === null) throw new NotFoundError(`Run '${id}' not found`, { run_id: id });
    return c.text(text, 200, { "content-type": "application/yaml; charset=utf-8" });
  });

  app.openapi(cardRoute, async (c) => {
    const id = runId(c.req.param("id"));
    const text = await getText(service.store, runKeys.card(id));
    if (text === null) throw new NotFoundError(`Run '${id}' has no dataset card yet; it is written when the run succeeds`, { run_id: id });
    return c.text(text, 200, { "content-type": "text/markdown; charset=utf-8" });
  });

  app.openapi(distisetRoute, async (c) => {
    const id = runId(c.req.param("id"));
    const manifest = await manifestOf(service, id);
    // Paths in the manifest are storage keys; the API serves them under the run's distiset route.
    for (const [name, config] of Object.entries(manifest.configs)) {
      for (const [split, info] of Object.entries(config.splits)) {
        for (const file of info.files) file.path = `/v1/runs/${id}/distiset/${name}/${split}/${file.path.split("/").at(-1)}`;
      }
    }
    return c.json(manifest, 200);
  });

  // Hono answers HEAD with the GET route, without the body.
  app.openapi(parquetFileRoute, async (c) => {
    const id = runId(c.req.param("id"));
    const { config, split, file } = c.req.param();
    if (!/^\d{5}\.parquet$/.test(file) || !/^[\w.-]+$/.test(config) || !/^[\w.-]+$/.test(split)) {
      throw new NotFoundError(`No file '${config}/${split}/${file}' in run '${id}'`);
    }
    const key = `${runKeys.distisetPrefix(id)}${config}/${split}/${file}`;
    const info = await service.store.head(key);
    if (!info) throw new NotFoundError(`No file '${config}/${split}/${file}' in run '${id}'`, { run_id: id, path: key });
    const etag = info.etag.startsWith('"') ? info.etag : `"${info.etag}"`;
    const headers: Record<string, string> = {
      "content-type": "application/vnd.apache.parquet",
      etag,
      "accept-ranges": "bytes",
      "cache-control": "private, max-age=3600",
    };
    const ifNoneMatch = c.req.header("if-none-match")?.split(",") ?? [];
    if (ifNoneMatch.some((tag) => tag.trim() === etag)) return c.body(null, 304, headers);
    const ifRange = c.req.header("if-range");
    const range = ifRange && ifRange !== etag ? undefined : parseByteRange(c.req.header("range"), info.size);
    if (range === "unsatisfiable") return c.body(null, 416, { ...headers, "content-range": `bytes */${info.size}` });
    if (c.req.method === "HEAD") return c.body(null, 200, { ...headers, "content-length": String(info.size) });
    if (range) {
      const bytes = await service.store.getRange(key, range.offset, range.length);
      if (!bytes) throw new NotFoundError(`No file '${file}' in run '${id}'`);
      return c.body(bytes as Uint8Array<ArrayBuffer>, 206, {
        ...headers,
        "content-range": `bytes ${range.offset}-${range.offset + range.length - 1}/${info.size}`,
        "content-length": String(bytes.byteLength),
      });
    }
    const bytes = await service.store.get(key);
    if (!bytes) throw new NotFoundError(`No file '${file}' in run '${id}'`);
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { ...headers, "content-length": String(bytes.byteLength) });
  });

  app.openapi(rowsRoute, async (c) => {
    const id = runId(c.req.param("id"));
    const { config, split, offset, length } = c.req.valid("query");
    const manifest = await manifestOf(service, id);
    const entry = manifest.configs[config];
    if (!entry) throw new NotFoundError(`Run '${id}' has no config '${config}'; configs are: ${Object.keys(manifest.configs).join(", ")}`, { field: "config" });
    const info = entry.splits[split];
    if (!info) throw new NotFoundError(`Config '${config}' has no split '${split}'; splits are: ${Object.keys(entry.splits).join(", ")}`, { field: "split" });
    const rows: Array<Record<string, unknown>> = [];
    let start = 0;
    for (const file of info.files) {
      const end = start + file.num_rows;
      const from = Math.max(offset, start);
      const to = Math.min(offset + length, end);
      if (from < to) {
        const read = await readParquetRowsFromAsyncBuffer(blobAsyncBuffer(service.store, file.path, file.size_bytes), {
          rowStart: from - start,
          rowEnd: to - start,
        });
        rows.push(...read);
      }
      start = end;
      if (start >= offset + length) break;
    }
    return c.json({ config, split, offset, length: rows.length, num_rows: info.num_rows, rows }, 200);
  });
}
