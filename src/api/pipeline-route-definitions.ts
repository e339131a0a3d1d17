import { createRoute, z } from "@hono/zod-openapi";
import { BEARER, bodyRef, errorResponses, jsonResponse } from "./openapi.js";
import { pipelineInfoSchema, validateResponseSchema } from "./schemas.js";

export const listPipelinesRoute = createRoute({
  method: "get",
  path: "/v1/pipelines",
  summary: "Registered pipelines with their runtime parameters",
  security: BEARER,
  responses: { 200: jsonResponse("Pipelines", z.object({ pipelines: z.array(pipelineInfoSchema.openapi("PipelineInfo")) })), ...errorResponses(401) },
});

export const validatePipelineRoute = createRoute({
  method: "post",
  path: "/v1/pipelines/validate",
  summary: "Validate a pipeline without running it",
  security: BEARER,
  request: { body: { required: true, content: { "application/json": { schema: bodyRef("ValidateBody") } } } },
  responses: { 200: jsonResponse("Valid", validateResponseSchema.openapi("ValidateResponse")), ...errorResponses(400, 401, 404, 413, 415, 422) },
});
