import { z } from "zod";
import {
  distisetManifestSchema,
  errorResponseSchema,
  pipelineInfoSchema,
  pushToHubOptionsSchema,
  rowsResponseSchema,
  runListSchema,
  runViewSchema,
  startRunBodySchema,
  startRunResponseSchema,
  validateBodySchema,
  validateResponseSchema,
} from "./schemas.js";

type Json = Record<string, unknown>;

function schema(s: z.ZodType, io: "input" | "output" = "output"): Json {
  const json = z.toJSONSchema(s, { unrepresentable: "any", io }) as Json;
  delete json.$schema;
  return json;
}

const errorResponses = (codes: number[]): Json =>
  Object.fromEntries(codes.map((code) => [String(code), { description: "An error", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } }]));

const runIdParam = { name: "id", in: "path", required: true, schema: { type: "string" } };
const json = (ref: string): Json => ({ content: { "application/json": { schema: { $ref: `#/components/schemas/${ref}` } } } });

/** The OpenAPI 3.1 document, generated from the same zod schemas the routes validate with. */
export function openApiDocument(): Json {
  return {
    openapi: "3.1.0",
    info: { title: "distilflare", version: "1", description: "distilabel's synthetic-data pipelines on Cloudflare Workers." },
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "Required when the API_TOKEN secret is set." } },
      schemas: {
        Error: schema(errorResponseSchema),
        StartRunBody: schema(startRunBodySchema, "input"),
        StartRunResponse: schema(startRunResponseSchema),
        Run: schema(runViewSchema),
        RunList: schema(runListSchema),
        Distiset: schema(distisetManifestSchema),
        Rows: schema(rowsResponseSchema),
        PipelineInfo: schema(pipelineInfoSchema),
        ValidateBody: schema(validateBodySchema, "input"),
        ValidateResponse: schema(validateResponseSchema),
        PushToHubBody: schema(pushToHubOptionsSchema, "input"),
      },
    },
    security: [{ bearer: [] }],
    paths: {
      "/v1/runs": {
        post: {
          summary: "Start a run",
          description:
            "Body as JSON, or the serialized pipeline as YAML with content-type application/yaml (top-level `parameters` allowed; `use_cache` and `dry_run` as query parameters).",
          requestBody: {
            required: true,
            content: {
              "application/json": { schema: { $ref: "#/components/schemas/StartRunBody" } },
              "application/yaml": { schema: { type: "string", description: "distilabel's pipeline.yaml" } },
            },
          },
          responses: {
            "202": { description: "Started (or resumed)", ...json("StartRunResponse") },
            "200": { description: "Served from the cache", ...json("StartRunResponse") },
            ...errorResponses([400, 401, 404, 413, 415, 422]),
          },
        },
        get: {
          summary: "Recent runs, newest first",
          parameters: [
            { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 200, default: 20 } },
            { name: "cursor", in: "query", schema: { type: "string" } },
          ],
          responses: { "200": { description: "A page of runs", ...json("RunList") }, ...errorResponses([400, 401]) },
        },
      },
      "/v1/cache": { get: { summary: "Size of the LLM response cache (entries and bytes under cache/responses/)", responses: { "200": { description: "The cache size" }, ...errorResponses([401]) } } },
      "/v1/runs/{id}": { get: { summary: "Run status with per-step progress", parameters: [runIdParam], responses: { "200": { description: "The run", ...json("Run") }, ...errorResponses([401, 404]) } } },
      "/v1/runs/{id}/stop": { post: { summary: "Graceful stop", parameters: [runIdParam], responses: { "200": { description: "The run", ...json("Run") }, ...errorResponses([401, 404, 409]) } } },
      "/v1/runs/{id}/resume": { post: { summary: "Resume a stopped or failed run", parameters: [runIdParam], responses: { "200": { description: "The run", ...json("Run") }, ...errorResponses([401, 404, 409]) } } },
      "/v1/runs/{id}/distiset": { get: { summary: "The Distiset manifest", parameters: [runIdParam], responses: { "200": { description: "Manifest", ...json("Distiset") }, ...errorResponses([401, 404, 409]) } } },
      "/v1/runs/{id}/distiset/{config}/{split}/{file}": {
        get: {
          summary: "A Parquet file (Range and ETag supported)",
          parameters: [
            runIdParam,
            { name: "config", in: "path", required: true, schema: { type: "string" } },
            { name: "split", in: "path", required: true, schema: { type: "string" } },
            { name: "file", in: "path", required: true, schema: { type: "string" } },
            { name: "range", in: "header", schema: { type: "string" } },
          ],
          responses: {
            "200": { description: "The file", content: { "application/vnd.apache.parquet": {} } },
            "206": { description: "Part of the file" },
            "304": { description: "Not modified" },
            "416": { description: "Range not satisfiable" },
            ...errorResponses([401, 404]),
          },
        },
      },
      "/v1/runs/{id}/rows": {
        get: {
          summary: "Rows as JSON, for previews",
          parameters: [
            runIdParam,
            { name: "config", in: "query", schema: { type: "string", default: "default" } },
            { name: "split", in: "query", schema: { type: "string", default: "train" } },
            { name: "offset", in: "query", schema: { type: "integer", minimum: 0, default: 0 } },
            { name: "length", in: "query", schema: { type: "integer", minimum: 1, maximum: 1000, default: 100 } },
          ],
          responses: { "200": { description: "Rows", ...json("Rows") }, ...errorResponses([400, 401, 404, 409]) },
        },
      },
      "/v1/runs/{id}/pipeline.yaml": { get: { summary: "The serialized pipeline", parameters: [runIdParam], responses: { "200": { description: "YAML", content: { "application/yaml": {} } }, ...errorResponses([401, 404]) } } },
      "/v1/runs/{id}/logs": { get: { summary: "The run's log", parameters: [runIdParam], responses: { "200": { description: "Text", content: { "text/plain": {} } }, ...errorResponses([401, 404]) } } },
      "/v1/runs/{id}/README.md": { get: { summary: "The dataset card", parameters: [runIdParam], responses: { "200": { description: "Markdown", content: { "text/markdown": {} } }, ...errorResponses([401, 404]) } } },
      "/v1/runs/{id}/push_to_hub": {
        post: {
          summary: "Push the Distiset to the Hugging Face Hub",
          parameters: [runIdParam],
          requestBody: { required: true, ...json("PushToHubBody") },
          responses: { "200": { description: "Pushed" }, ...errorResponses([400, 401, 404, 409, 502]) },
        },
      },
      "/v1/pipelines": {
        get: { summary: "Registered pipelines with their runtime parameters", responses: { "200": { description: "Pipelines", content: { "application/json": { schema: { type: "object", properties: { pipelines: { type: "array", items: { $ref: "#/components/schemas/PipelineInfo" } } } } } } } } },
      },
      "/v1/pipelines/validate": {
        post: {
          summary: "Validate a pipeline without running it",
          requestBody: { required: true, ...json("ValidateBody") },
          responses: { "200": { description: "Valid", ...json("ValidateResponse") }, ...errorResponses([400, 401, 404, 422]) },
        },
      },
    },
  };
}
