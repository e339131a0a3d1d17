import { sha1, stableStringify } from "../core/hash.js";
import { toCamelCase } from "../core/naming.js";
import { metaOf } from "../components/attributes.js";
import { Component } from "../components/component.js";

/**
 * The only attributes a component may leave out of its signature (`excludeFromSignature`): how
 * much runs at once, how patiently and with which credential, never what a step produces or
 * where it calls (credentials given in code are never dumped at all). A run served from the cache must be what the same pipeline would compute now,
 * so an endpoint (`base_url`, `hf_endpoint`, `gateway`, `binding`) always counts; the cache-key
 * test walks every registered component against this list.
 */
export const SIGNATURE_NEUTRAL_ATTRIBUTES: ReadonlySet<string> = new Set([
  "resources",
  "inputBatchSize",
  "batchSize",
  "maxConcurrentRequests",
  // Streamed or whole, a reply is the same reply: only how long it holds a connection slot differs.
  "stream",
  "rateLimits",
  "maxRetries",
  "timeout",
  "jobsIds",
  "offlineBatchGenerationBlockUntilDone",
  "apiKeyEnv",
  "cacheResponses",
  // Whether stored outputs may be reused, not what the step computes.
  "useCache",
]);

/** Keys never part of a signature (distilabel's exclusions, plus dump-only keys). */
const EXCLUDED = new Set(["type_info", "runtime_parameters_info", "disable_cuda_device_placement", "gpu_memory_utilization"]);

/**
 * A component's signature: SHA-1 of its dump without the attributes that do not change what
 * it computes (batch sizes, resources, job ids, poll intervals, secrets).
 */
export function componentSignature(component: Component): string {
  return sha1(stableStringify(signatureView(component)));
}

function signatureView(component: Component): Record<string, unknown> {
  const dump = component.dump();
  const out: Record<string, unknown> = { type: component.typeName };
  for (const [key, value] of Object.entries(dump)) {
    if (EXCLUDED.has(key)) continue;
    const schema = component.schema.shape[toCamelCase(key)];
    if (schema && metaOf(schema as never).excludeFromSignature) continue;
    const live = (component.attrs as Record<string, unknown>)[toCamelCase(key)];
    if (live instanceof Component) out[key] = signatureView(live);
    else if (Array.isArray(live) && live.every((v) => v instanceof Component)) out[key] = live.map((c) => signatureView(c as Component));
    else out[key] = value;
  }
  return out;
}

/**
 * The pipeline signature (distilabel 2.7): step names, connections and routing functions.
 * Together with the step signatures it names a run's cache.
 */
export function pipelineSignature(input: {
  steps: string[];
  connections: Array<{ from: string; to: string[] }>;
  routing: Array<{ step: string; typeName: string; kwargs: Record<string, unknown> }>;
}): string {
  const parts = [
    ...input.steps,
    ...input.connections.map((c) => [c.from, ...c.to].join("-")),
    ...input.routing.map((r) => `${r.step}-${r.typeName}-${stableStringify(r.kwargs)}`),
  ];
  return sha1(parts.join(","));
}
