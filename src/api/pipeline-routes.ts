import type { OpenAPIHono } from "@hono/zod-openapi";
import { errorMessage } from "../errors.js";
import type { Row } from "../core/row.js";
import type { BaseStep } from "../steps/base-step.js";
import { GeneratorTask, Task } from "../tasks/base/task.js";
import { prepareRun } from "../runtime/prepare-run.js";
import { mergeParameters, resolvePipeline } from "../runtime/resolve-pipeline.js";
import { BufferLogger } from "../steps/step-context.js";
import { invalidRequest, readJsonObject } from "./request-body.js";
import type { RunService } from "./run-service.js";
import { listPipelinesRoute, validatePipelineRoute } from "./pipeline-route-definitions.js";
import { validateBodySchema } from "./schemas.js";

/** Each task's prompt for one row (distilabel's `print`), or why that row cannot be rendered. */
function renderPrompts(steps: readonly BaseStep[], row: Row): Record<string, { prompt?: string; error?: string }> {
  const prompts: Record<string, { prompt?: string; error?: string }> = {};
  for (const step of steps) {
    if (!(step instanceof Task) && !(step instanceof GeneratorTask)) continue;
    try {
      prompts[step.name] = { prompt: step.renderPrompt(row) };
    } catch (error) {
      prompts[step.name] = { error: errorMessage(error) };
    }
  }
  return prompts;
}

export function registerPipelineRoutes(app: OpenAPIHono, service: RunService): void {
  app.openapi(listPipelinesRoute, (c) => {
    const pipelines = Object.entries(service.pipelines).map(([name, entry]) => {
      const pipeline = entry.build();
      return {
        name,
        description: entry.description ?? pipeline.description ?? null,
        steps: pipeline.steps.map((s) => ({ name: s.name, type: s.typeName, runtime_parameters_info: s.runtimeParametersInfo() })),
        connections: pipeline.connections(),
        default_parameters: entry.defaultParameters ?? {},
      };
    });
    return c.json({ pipelines }, 200);
  });

  app.openapi(validatePipelineRoute, async (c) => {
    const parsed = validateBodySchema.safeParse(await readJsonObject(c));
    if (!parsed.success) throw invalidRequest(parsed.error, "request body");
    const { pipeline, parameters } = resolvePipeline(parsed.data.pipeline, service.pipelines, service.registry);
    const logger = new BufferLogger("");
    const prepared = await prepareRun(
      pipeline,
      { parameters: mergeParameters(parameters, parsed.data.parameters), loadGroups: parsed.data.load_groups },
      { runId: "validate", stepName: "", seqNo: 0, logger, services: service.services() },
      "validate",
      { load: false },
    );
    return c.json(
      {
        valid: true as const,
        name: pipeline.name,
        signature: prepared.signature,
        stages: prepared.plan.stages,
        steps: pipeline.dagSpec().steps.map((s) => ({ name: s.name, type: s.typeName, inputs: s.inputs, outputs: s.outputs })),
        ...(parsed.data.sample_row ? { prompts: renderPrompts(pipeline.steps, parsed.data.sample_row) } : {}),
      },
      200,
    );
  });
}
