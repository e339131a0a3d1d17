import { usageError } from "./exit-codes.js";

export type StepParameters = Record<string, Record<string, unknown>>;

// distilabel's `--param` shape: a step name, at least one dotted key under it, `=`, a value.
const PARAM = /^(?<key>[^.=]+(?:\.[^=]+)+)=(?<value>[\s\S]*)$/;

/**
 * The value of one `--param`: JSON when it parses (numbers, booleans, null, lists, objects), so
 * `temperature=0.7` is a number as the step's schema expects; the raw text otherwise.
 */
export function parseParamValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * `--param step.llm.generation_kwargs.temperature=0.7` (repeatable) as the nested runtime
 * parameters `{step: {llm: {generation_kwargs: {temperature: 0.7}}}}`, as distilabel's CLI builds.
 */
export function parseParams(entries: readonly string[]): StepParameters {
  const out: StepParameters = {};
  for (const entry of entries) {
    const match = PARAM.exec(entry);
    if (!match?.groups) throw usageError(`--param '${entry}' is not step.path=value (for example text_generation.llm.generation_kwargs.temperature=0.7)`);
    const [step, ...path] = match.groups.key!.split(".");
    if (path.some((part) => part === "")) throw usageError(`--param '${entry}' has an empty key in '${match.groups.key}'`);
    let node: Record<string, unknown> = (out[step!] ??= {});
    for (const part of path.slice(0, -1)) {
      const next = node[part];
      if (next !== undefined && (typeof next !== "object" || next === null || Array.isArray(next))) {
        throw usageError(`--param '${entry}' sets a key under '${part}', which an earlier --param set to a value`);
      }
      node = (node[part] ??= {}) as Record<string, unknown>;
    }
    node[path.at(-1)!] = parseParamValue(match.groups.value!);
  }
  return out;
}
