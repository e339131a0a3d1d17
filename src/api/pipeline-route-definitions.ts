import { z } from "@hono/zod-openapi";
import { errorResponses, jsonBody, jsonResponse, v1Route } from "./openapi.js";
import { pipelineInfoSchema, validateResponseSchema } from "./schemas.js";

export const listPipelinesRoute = v1Route({
  method: "get",
  path: "/v1/pipelines",
  summary: "Registered pipelines with their runtime parameters",
  responses: { 200: jsonResponse("Pipelines", z.object({ pipelines: z.array(pipelineInfoSchema.openapi("PipelineInfo")) })), ...errorResponses(401) },
});

export const validatePipelineRoute = v1Route({
  method: "post",
  path: "/v1/pipelines/validate",
  summary: "Validate a pipeline without running it",
  request: { body: jsonBody("ValidateBody") },
  responses: { 200: jsonResponse("Valid", validateResponseSchema.openapi("ValidateResponse")), ...errorResponses(400, 401, 404, 413, 415, 422) },
});
