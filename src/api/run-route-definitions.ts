import { z, type RouteConfig } from "@hono/zod-openapi";
import { manifestConfigSchema } from "../distiset/manifest.js";
import { ScalarKindSchema } from "../distiset/parquet/column-type.js";
import { errorResponses, jsonBody, jsonResponse, v1Route } from "./openapi.js";
import {
  distisetManifestSchema,
  listQuerySchema,
  rowsQuerySchema,
  rowsResponseSchema,
  runListSchema,
  runViewSchema,
  startRunResponseSchema,
} from "./schemas.js";

/**
 * The run routes as OpenAPI definitions: `/openapi.json` is generated from these, and the
 * query, path and header parameters are validated with the same schemas.
 */
const Run = runViewSchema.openapi("Run");
const StartRunResponse = startRunResponseSchema.openapi("StartRunResponse");

/**
 * A Parquet column type nests (lists of structs of lists...), a cycle the OpenAPI generator
 * cannot follow: the document gives its `kind` and leaves the nested parts open.
 */
const columnType = z
  .object({ kind: z.enum([...ScalarKindSchema.options, "list", "struct"]) })
  .catchall(z.unknown())
  .openapi("ColumnType");
const Distiset = distisetManifestSchema
  .extend({
    configs: z.record(
      z.string(),
      manifestConfigSchema.extend({ schema: z.object({ columns: z.array(z.object({ name: z.string(), type: columnType })) }).optional() }),
    ),
  })
  .openapi("Distiset");

const runIdParams = z.object({ id: z.string().openapi({ description: "The run id returned by POST /v1/runs" }) });
const runResponse = jsonResponse("The run", Run);

/** A `/v1` route on one run: the run id is a path parameter. */
function runRoute<P extends string, R extends Omit<RouteConfig, "path" | "security"> & { path: P }>(route: R) {
  return v1Route({ ...route, request: { params: runIdParams, ...route.request } });
}

/** `GET` of one of a run's text files, answered with `mediaType`. */
function runTextRoute<P extends string>(path: P, summary: string, description: string, mediaType: string) {
  return runRoute({
    method: "get",
    path,
    summary,
    responses: { 200: { description, content: { [mediaType]: { schema: z.string() } } }, ...errorResponses(401, 404) },
  });
}

export const startRunRoute = v1Route({
  method: "post",
  path: "/v1/runs",
  summary: "Start a run",
  description:
    "Body as JSON, or the serialized pipeline as YAML with content-type application/yaml (top-level `parameters` allowed; `use_cache`, `dry_run`, `accept_failed_rows`, `max_cost_usd` and `max_requests` as query parameters).",
  request: {
    body: {
      required: true,
      content: { ...jsonBody("StartRunBody").content, "application/yaml": { schema: { type: "string", description: "distilabel's pipeline.yaml" } } },
    },
  },
  responses: {
    202: jsonResponse("Started (or resumed)", StartRunResponse),
    200: jsonResponse("Served from the cache", StartRunResponse),
    ...errorResponses(400, 401, 404, 413, 415, 422),
  },
});

export const listRunsRoute = v1Route({
  method: "get",
  path: "/v1/runs",
  summary: "Recent runs, newest first",
  request: { query: listQuerySchema },
  responses: { 200: jsonResponse("A page of runs", runListSchema.openapi("RunList")), ...errorResponses(400, 401) },
});

export const getRunRoute = runRoute({
  method: "get",
  path: "/v1/runs/{id}",
  summary: "Run status with per-step progress and the DAG's connections",
  responses: { 200: runResponse, ...errorResponses(401, 404) },
});

export const stopRunRoute = runRoute({
  method: "post",
  path: "/v1/runs/{id}/stop",
  summary: "Graceful stop",
  responses: { 200: runResponse, ...errorResponses(401, 404, 409) },
});

export const resumeRunRoute = runRoute({
  method: "post",
  path: "/v1/runs/{id}/resume",
  summary: "Resume a stopped or failed run",
  description:
    "An optional JSON body sets a new budget (`max_cost_usd`, `max_requests`; null lifts a limit, a field left out keeps the run's). A resume that could send nothing within the budget is refused with 409 `conflict` naming the field to raise; the run stays stopped.",
  request: { body: jsonBody("ResumeRunBody", false) },
  responses: { 200: runResponse, ...errorResponses(400, 401, 404, 409) },
});

export const pushToHubRoute = runRoute({
  method: "post",
  path: "/v1/runs/{id}/push_to_hub",
  summary: "Push the Distiset to the Hugging Face Hub",
  request: { body: jsonBody("PushToHubBody") },
  responses: { 200: { description: "Pushed" }, ...errorResponses(400, 401, 404, 409, 502) },
});

export const logsRoute = runTextRoute("/v1/runs/{id}/logs", "The run's log", "Text", "text/plain");
export const pipelineYamlRoute = runTextRoute("/v1/runs/{id}/pipeline.yaml", "The serialized pipeline", "YAML", "application/yaml");
export const cardRoute = runTextRoute("/v1/runs/{id}/README.md", "The dataset card", "Markdown", "text/markdown");

export const distisetRoute = runRoute({
  method: "get",
  path: "/v1/runs/{id}/distiset",
  summary: "The Distiset manifest",
  responses: { 200: jsonResponse("Manifest", Distiset), ...errorResponses(401, 404, 409) },
});

export const parquetFileRoute = runRoute({
  method: "get",
  path: "/v1/runs/{id}/distiset/{config}/{split}/{file}",
  summary: "A Parquet file (Range and ETag supported; HEAD too)",
  request: {
    params: runIdParams.extend({ config: z.string(), split: z.string(), file: z.string().openapi({ example: "00000.parquet" }) }),
    headers: z.object({ range: z.string().optional(), "if-none-match": z.string().optional(), "if-range": z.string().optional() }),
  },
  responses: {
    200: { description: "The file", content: { "application/vnd.apache.parquet": { schema: z.string().openapi({ format: "binary" }) } } },
    206: { description: "Part of the file" },
    304: { description: "Not modified" },
    416: { description: "Range not satisfiable" },
    ...errorResponses(400, 401, 404),
  },
});

export const rowsRoute = runRoute({
  method: "get",
  path: "/v1/runs/{id}/rows",
  summary: "Rows as JSON, for previews",
  request: { query: rowsQuerySchema },
  responses: { 200: jsonResponse("Rows", rowsResponseSchema.openapi("Rows")), ...errorResponses(400, 401, 404, 409) },
});
