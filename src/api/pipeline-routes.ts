import type { Hono } from "hono";
import { prepareRun } from "../runtime/prepare-run.js";
import { mergeParameters, resolvePipeline } from "../runtime/resolve-pipeline.js";
import { BufferLogger } from "../steps/step-context.js";
import { invalidRequest, readJsonObject } from "./request-body.js";
import type { RunService } from "./run-service.js";
import { validateBodySchema } from "./schemas.js";

export function registerPipelineRoutes(app: Hono, service: RunService): void {
  app.get("/v1/pipelines", (c) => {
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
    return c.json({ pipelines });
  });

  app.post("/v1/pipelines/validate", async (c) => {
    const parsed = validateBodySchema.safeParse(await readJsonObject(c));
    if (!parsed.success) throw invalidRequest(parsed.error, "request body");
    const { pipeline, parameters } = resolvePipeline(parsed.data.pipeline, service.pipelines, service.registry);
    const logger = new BufferLogger("");
    const prepared = await prepareRun(
      pipeline,
      { parameters: mergeParameters(parameters, parsed.data.parameters), loadGroups: parsed.data.load_groups },
      { runId: "validate", stepName: "", seqNo: 0, logger, services: service.services() },
      "validate",
    );
    return c.json({
      valid: true,
      name: pipeline.name,
      signature: prepared.signature,
      stages: prepared.plan.stages,
      steps: pipeline.dagSpec().steps.map((s) => ({ name: s.name, type: s.typeName, inputs: s.inputs, outputs: s.outputs })),
    });
  });
}
