import { NotFoundError } from "../errors.js";
import type { Registry } from "../components/registry.js";
import type { Pipeline, RuntimeParameters } from "../pipeline/pipeline.js";
import { loadPipeline } from "../pipeline/serialize.js";
import type { PipelineCatalog } from "./pipeline-catalog.js";
import type { BudgetOptions } from "./run-budget-options.js";

/**
 * A run's pipeline: a registered one built fresh, or a serialized one loaded through the
 * registry. Accepts the whole `pipeline.yaml` document or just its inner `pipeline` object.
 */
export function resolvePipeline(
  spec: string | Record<string, unknown>,
  catalog: PipelineCatalog,
  registry: Registry,
): { pipeline: Pipeline; parameters: RuntimeParameters | undefined; budget?: BudgetOptions | undefined } {
  if (typeof spec === "string") {
    const entry = catalog[spec];
    if (!entry) {
      throw new NotFoundError(`No registered pipeline named '${spec}'; registered pipelines are: ${Object.keys(catalog).sort().join(", ") || "(none)"}`, {
        field: "pipeline",
        expected: `one of ${Object.keys(catalog).sort().join(", ")}`,
      });
    }
    return { pipeline: entry.build(), parameters: entry.defaultParameters, budget: entry.budget };
  }
  const document = "steps" in spec && !("pipeline" in spec) ? { pipeline: spec } : spec;
  const { pipeline, parameters } = loadPipeline(document, registry);
  return { pipeline, parameters };
}

/** Run parameters over defaults, per step and per key (nested objects merge). */
export function mergeParameters(defaults: RuntimeParameters | undefined, given: RuntimeParameters | undefined): RuntimeParameters | undefined {
  if (!defaults) return given;
  if (!given) return defaults;
  const out: RuntimeParameters = structuredClone(defaults);
  for (const [step, values] of Object.entries(given)) out[step] = deepMerge(out[step] ?? {}, values);
  return out;
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const current = out[key];
    out[key] =
      value && typeof value === "object" && !Array.isArray(value) && current && typeof current === "object" && !Array.isArray(current)
        ? deepMerge(current as Record<string, unknown>, value as Record<string, unknown>)
        : value;
  }
  return out;
}
