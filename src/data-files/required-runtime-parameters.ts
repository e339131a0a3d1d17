import type { RuntimeParameterInfo } from "../components/component.js";
import { toSnakeCase } from "../core/naming.js";

/**
 * Runtime parameters a step cannot run without but may be built without (distilabel's
 * `RuntimeParameter[str]` with no default, such as `repo_id`): the attribute schema accepts
 * undefined so the step can be declared first, and these helpers make validation require it.
 */
export function missingRequiredParameters(attrs: object, keys: readonly string[]): string[] {
  return keys.filter((key) => (attrs as Record<string, unknown>)[key] === undefined).map(toSnakeCase);
}

/** `runtime_parameters_info` with the required ones marked `optional: false`. */
export function markRequiredParameters(info: RuntimeParameterInfo[], keys: readonly string[]): RuntimeParameterInfo[] {
  const names = new Set(keys.map(toSnakeCase));
  return info.map((entry) => ("optional" in entry && names.has(entry.name) ? { ...entry, optional: false } : entry));
}
