import { existsSync, readFileSync } from "node:fs";
import { extname } from "node:path";
import { parse as parseYaml } from "yaml";
import { mergeParameters } from "../src/runtime/resolve-pipeline.js";
import { usageError } from "./exit-codes.js";

/** What `run`, `info` and `validate` were pointed at: a registered pipeline's name or a file. */
export type PipelineSource =
  | { kind: "name"; name: string }
  | { kind: "file"; path: string; document: Record<string, unknown>; parameters: Record<string, Record<string, unknown>> | undefined };

const FILE_EXTENSIONS = new Set([".yaml", ".yml", ".json"]);

/**
 * A path to a `.yaml`/`.yml`/`.json` file (distilabel's `pipeline.yaml` shape, with optional
 * top-level `parameters`) is read and parsed here, so the file's own errors name the file;
 * anything else is the name of a pipeline registered in the Worker.
 */
export function readPipelineSource(argument: string): PipelineSource {
  const extension = extname(argument).toLowerCase();
  if (!FILE_EXTENSIONS.has(extension)) {
    if (existsSync(argument)) throw usageError(`'${argument}' is a file but not .yaml, .yml or .json; a pipeline file must be one of those`);
    if (!/^[\w.-]+$/.test(argument)) throw usageError(`'${argument}' is neither a pipeline file (.yaml/.json) nor a pipeline name`);
    return { kind: "name", name: argument };
  }
  if (!existsSync(argument)) throw usageError(`Pipeline file '${argument}' does not exist`);
  let value: unknown;
  try {
    const text = readFileSync(argument, "utf8");
    value = extension === ".json" ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw usageError(`Cannot parse '${argument}': ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value) || !("pipeline" in value)) {
    throw usageError(`'${argument}' is not a serialized pipeline: expected an object with a 'pipeline' key (distilabel's pipeline.yaml shape)`);
  }
  const { parameters, ...document } = value as Record<string, unknown>;
  return { kind: "file", path: argument, document, parameters: parameters as Record<string, Record<string, unknown>> | undefined };
}

/** The `pipeline` field of a run or validate request, and the file's parameters merged under the command line's. */
export function pipelineRequest(
  source: PipelineSource,
  given: Record<string, Record<string, unknown>>,
): { pipeline: string | Record<string, unknown>; parameters: Record<string, Record<string, unknown>> | undefined } {
  const parameters = mergeParameters(source.kind === "file" ? source.parameters : undefined, Object.keys(given).length > 0 ? given : undefined);
  return { pipeline: source.kind === "name" ? source.name : source.document, parameters };
}
