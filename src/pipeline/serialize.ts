import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { z } from "zod";
import { DistilflareError, SerializationError, errorMessage } from "../errors.js";
import { LIMITS } from "../security/limits.js";
import type { Registry } from "../components/registry.js";
import type { BaseStep } from "../steps/base-step.js";
import { withPipeline } from "./pipeline-context.js";
import { Pipeline } from "./pipeline.js";

export const SERIALIZATION_VERSION = "distilflare/1";

const typeInfoSchema = z.object({ name: z.string().min(1), module: z.string().optional(), kwargs: z.record(z.string(), z.unknown()).optional() }).loose();

/** A routing function entry: ours (`routing_batch_function: {type_info, ...kwargs}`) or distilabel's (`type_info.kwargs`). */
const routingEntrySchema = z
  .object({
    step: z.string(),
    description: z.string().nullish(),
    routing_batch_function: z.object({ type_info: typeInfoSchema }).loose().optional(),
    type_info: typeInfoSchema.optional(),
  })
  .refine((v) => v.routing_batch_function !== undefined || v.type_info !== undefined, {
    message: "a routing function entry needs routing_batch_function.type_info or type_info",
  });

/** The wire format: distilabel's `pipeline.yaml` shape (DESIGN.md section 6). */
export const serializedPipelineSchema = z
  .object({
    distilabel: z.object({ version: z.string() }).loose().optional(),
    pipeline: z
      .object({
        name: z.string().min(1).nullish(),
        description: z.string().nullish(),
        enable_metadata: z.boolean().optional(),
        steps: z
          .array(z.object({ name: z.string().min(1).max(LIMITS.stepName), step: z.record(z.string(), z.unknown()) }).loose())
          .min(1)
          .max(LIMITS.steps),
        connections: z.array(z.object({ from: z.string(), to: z.array(z.string()) })).default([]),
        routing_batch_functions: z.array(routingEntrySchema).default([]),
        type_info: typeInfoSchema.optional(),
      })
      .loose(),
    requirements: z.array(z.string()).optional(),
    parameters: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  })
  .loose();

/** Dumps a pipeline in the wire format; secrets are never part of it. */
export function dumpPipeline(pipeline: Pipeline): Record<string, unknown> {
  const out: Record<string, unknown> = {
    distilflare: { version: SERIALIZATION_VERSION },
    pipeline: {
      name: pipeline.name,
      description: pipeline.description ?? null,
      enable_metadata: pipeline.enableMetadata,
      steps: pipeline.steps.map((step) => ({ step: step.dump(), name: step.name })),
      connections: pipeline.connections(),
      routing_batch_functions: [...pipeline.routingBatchFunctions()].map(([step, fn]) => ({
        step,
        description: fn.description ?? null,
        routing_batch_function: { type_info: { name: fn.typeName }, ...fn.kwargs },
      })),
      type_info: { name: "Pipeline" },
    },
  };
  if (pipeline.requirements.length > 0) out.requirements = [...pipeline.requirements];
  return out;
}

export function pipelineToYaml(pipeline: Pipeline): string {
  return stringifyYaml(dumpPipeline(pipeline), { lineWidth: 0 });
}

export function pipelineToJson(pipeline: Pipeline): string {
  return JSON.stringify(dumpPipeline(pipeline), null, 2);
}

/**
 * Builds a pipeline from its serialized form, resolving every `type_info.name` in `registry`.
 * Returns the pipeline and the optional top-level `parameters` (YAML bodies may carry them).
 */
export function loadPipeline(data: unknown, registry: Registry): { pipeline: Pipeline; parameters: Record<string, Record<string, unknown>> | undefined } {
  const parsed = serializedPipelineSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join(".") ?? "";
    throw new SerializationError(`Invalid serialized pipeline at '${field || "(root)"}': ${issue?.message ?? "invalid"}`, {
      field,
      issues: parsed.error.issues,
    });
  }
  const spec = parsed.data.pipeline;
  const pipeline = new Pipeline({
    name: spec.name ?? undefined,
    description: spec.description ?? undefined,
    enableMetadata: spec.enable_metadata ?? false,
    requirements: parsed.data.requirements,
  });
  withPipeline(pipeline, () => {
    spec.steps.forEach((entry, i) => {
      const stepData = { ...entry.step };
      if (stepData.name === undefined || stepData.name === null) stepData.name = entry.name;
      if (stepData.name !== entry.name) {
        throw new SerializationError(`pipeline.steps.${i}: the entry is named '${entry.name}' but its step is named '${String(stepData.name)}'`, {
          field: `pipeline.steps.${i}.name`,
          expected: `'${entry.name}'`,
        });
      }
      registry.load<BaseStep>(stepData, "step", `pipeline.steps.${i}.step`);
    });
  });
  spec.connections.forEach((connection, i) => {
    for (const to of connection.to) {
      try {
        pipeline.addEdge(connection.from, to);
      } catch (error) {
        throw new SerializationError(`pipeline.connections.${i}: ${errorMessage(error)}`, { field: `pipeline.connections.${i}` });
      }
    }
  });
  spec.routing_batch_functions.forEach((entry, i) => {
    const { name, kwargs } = routingFunctionOf(entry);
    const fn = registry.routingFunction(name, kwargs);
    if (!pipeline.hasStepNamed(entry.step)) {
      throw new SerializationError(`pipeline.routing_batch_functions.${i}: step '${entry.step}' is not part of the pipeline`, {
        field: `pipeline.routing_batch_functions.${i}.step`,
      });
    }
    pipeline.setRoutingBatchFunction(entry.step, fn);
  });
  return { pipeline, parameters: parsed.data.parameters };
}

function routingFunctionOf(entry: z.infer<typeof routingEntrySchema>): { name: string; kwargs: Record<string, unknown> } {
  if (entry.routing_batch_function) {
    const { type_info, ...kwargs } = entry.routing_batch_function;
    return { name: type_info.name, kwargs: { ...(type_info.kwargs ?? {}), ...kwargs } };
  }
  const info = entry.type_info as z.infer<typeof typeInfoSchema>;
  return { name: info.name, kwargs: info.kwargs ?? {} };
}

/** Parses YAML (or JSON, which is YAML) text into plain data, with a clear error on bad syntax. */
export function parsePipelineText(text: string, format: "yaml" | "json"): unknown {
  try {
    const value: unknown = format === "json" ? JSON.parse(text) : parseBoundedYaml(text);
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new SerializationError(`The ${format.toUpperCase()} document must be an object with a 'pipeline' key`, { field: "(root)", expected: "an object" });
    }
    return value;
  } catch (error) {
    if (error instanceof DistilflareError) throw error;
    throw new SerializationError(`Malformed ${format.toUpperCase()}: ${errorMessage(error)}`, { field: "(root)" });
  }
}

/**
 * YAML with its aliases expanded, refused (413) when the expansion outgrows the text many times
 * over: a 100 KB body of nested aliases would otherwise become a pipeline of many megabytes.
 */
function parseBoundedYaml(text: string): unknown {
  const value: unknown = parseYaml(text);
  const limit = Math.min(LIMITS.yamlExpandedBytes, Math.max(256 * 1024, LIMITS.yamlExpansionFactor * text.length));
  const size = JSON.stringify(value ?? null).length;
  if (size > limit) {
    throw new DistilflareError(
      "payload_too_large",
      `The YAML document expands to ${size} bytes once its aliases are resolved; at most ${limit} bytes are accepted`,
      { field: "(body)", expected: `at most ${limit} bytes after alias expansion` },
    );
  }
  return value;
}

export function pipelineFromYaml(text: string, registry: Registry): Pipeline {
  return loadPipeline(parsePipelineText(text, "yaml"), registry).pipeline;
}

export function pipelineFromJson(text: string, registry: Registry): Pipeline {
  return loadPipeline(parsePipelineText(text, "json"), registry).pipeline;
}
