import { EXIT, usageError, type ExitCode } from "../exit-codes.js";
import { ApiError } from "../api-client.js";
import { parseParams } from "../parameters.js";
import { pipelineRequest, readPipelineSource, type PipelineSource } from "../pipeline-source.js";
import { describePipeline, type PipelineDescription } from "../pipeline-info.js";
import { listOption, print, stringOption, type CommandContext } from "../context.js";

/**
 * A file is described here with the built-in registry (it needs no Worker); a name is asked of
 * the Worker, which knows its registered pipelines.
 */
async function describeSource(ctx: CommandContext, source: PipelineSource): Promise<PipelineDescription> {
  if (source.kind === "name") {
    const pipelines = await ctx.client.pipelines();
    const found = pipelines.find((p) => p.name === source.name);
    if (!found)
      throw new ApiError(
        404,
        "not_found",
        `No pipeline '${source.name}' is registered in ${ctx.line.global.url}; registered: ${pipelines.map((p) => p.name).join(", ") || "(none)"}`,
      );
    return found;
  }
  // Loaded lazily: the whole step library is only needed for this command.
  const [{ loadPipeline }, { createDefaultRegistry }, { DistilflareError }] = await Promise.all([
    import("../../src/pipeline/serialize.js"),
    import("../../src/default-registry.js"),
    import("../../src/errors.js"),
  ]);
  try {
    const { pipeline } = loadPipeline(source.document, createDefaultRegistry());
    return {
      name: pipeline.name,
      description: pipeline.description ?? null,
      steps: pipeline.steps.map((s) => ({ name: s.name, type: s.typeName, runtime_parameters_info: s.runtimeParametersInfo() })),
      connections: pipeline.connections(),
      routing_batch_functions: [...pipeline.routingBatchFunctions()].map(([step, fn]) => ({ step, name: fn.typeName })),
    };
  } catch (error) {
    if (error instanceof DistilflareError) throw usageError(`${source.path}: ${error.code}: ${error.message}`);
    throw error;
  }
}

export async function info(ctx: CommandContext): Promise<ExitCode> {
  const description = await describeSource(ctx, readPipelineSource(ctx.line.args[0]!));
  print(ctx, description, () => describePipeline(description));
  return EXIT.ok;
}

function sampleRow(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw usageError(`--sample-row is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw usageError('--sample-row must be a JSON object, such as \'{"instruction": "Tell me a joke"}\'');
  return value as Record<string, unknown>;
}

export async function validate(ctx: CommandContext): Promise<ExitCode> {
  const source = readPipelineSource(ctx.line.args[0]!);
  const row = sampleRow(stringOption(ctx, "sample-row"));
  const result = await ctx.client.validate({ ...pipelineRequest(source, parseParams(listOption(ctx, "param"))), sample_row: row });
  print(ctx, result, () => {
    const lines = [`${result.name} is valid (signature ${result.signature})`, "Stages:"];
    result.stages.forEach((steps, i) => lines.push(`  ${i + 1}: ${steps.join(", ")}`));
    lines.push("Steps:");
    for (const step of result.steps) {
      const inputs = Object.entries(step.inputs).map(([name, required]) => (required ? name : `${name}?`));
      lines.push(`  ${step.name} (${step.type}): ${inputs.join(", ") || "-"} -> ${step.outputs.join(", ") || "-"}`);
    }
    for (const [step, prompt] of Object.entries(result.prompts ?? {})) {
      lines.push("", `Prompt of ${step}:`, prompt.prompt ?? `(cannot render for this row: ${prompt.error})`);
    }
    return lines;
  });
  return EXIT.ok;
}
