import type { RuntimeParameterInfo } from "../src/components/component.js";

/** One runtime parameter as `distilabel pipeline info` lists it: a dotted path. */
export interface FlatParameter {
  path: string;
  optional: boolean;
  description: string;
}

/** The nested `runtime_parameters_info` as dotted paths (`llm.generation_kwargs.temperature`). */
export function flattenRuntimeParameters(info: readonly unknown[], prefix = ""): FlatParameter[] {
  const out: FlatParameter[] = [];
  for (const raw of info as RuntimeParameterInfo[]) {
    const path = `${prefix}${raw.name}`;
    if ("runtime_parameters_info" in raw) {
      const nested = raw.runtime_parameters_info;
      if (Array.isArray(nested)) out.push(...flattenRuntimeParameters(nested, `${path}.`));
      else for (const [key, list] of Object.entries(nested)) out.push(...flattenRuntimeParameters(list, `${path}.${key}.`));
    } else if (raw.keys && raw.keys.length > 0) {
      for (const key of raw.keys) out.push({ path: `${path}.${key.name}`, optional: key.optional, description: key.description ?? "" });
    } else {
      out.push({ path, optional: raw.optional, description: raw.description ?? "" });
    }
  }
  return out;
}

export interface PipelineDescription {
  name: string;
  description: string | null;
  steps: Array<{ name: string; type: string; runtime_parameters_info: unknown[] }>;
  connections: Array<{ from: string; to: string[] }>;
  routing_batch_functions?: Array<{ step: string; name: string }>;
}

/** The text of `distilflare info`: name, steps with their runtime parameters, connections. */
export function describePipeline(p: PipelineDescription): string[] {
  const lines = [`Pipeline: ${p.name}`, ...(p.description ? [`Description: ${p.description}`] : []), "", "Steps:"];
  for (const step of p.steps) {
    lines.push(`  ${step.name} (${step.type})`);
    const parameters = flattenRuntimeParameters(step.runtime_parameters_info);
    const width = Math.max(0, ...parameters.map((x) => x.path.length));
    for (const x of parameters) lines.push(`    ${x.path.padEnd(width)}  ${x.optional ? "optional" : "required"}  ${x.description}`);
  }
  lines.push("", "Connections:");
  for (const c of p.connections) lines.push(`  ${c.from} -> ${c.to.length > 0 ? c.to.join(", ") : "(leaf)"}`);
  if (p.routing_batch_functions?.length) {
    lines.push("", "Routing batch functions:");
    for (const r of p.routing_batch_functions) lines.push(`  ${r.step}: ${r.name}`);
  }
  return lines;
}
