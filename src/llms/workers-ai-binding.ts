import { OptionError } from "../errors.js";
import type { StepContext } from "../steps/step-context.js";

/** The slice of the Workers AI binding (`env.AI`) we call, structurally (no Cloudflare types in src/). */
export interface WorkersAIBinding {
  run(model: string, inputs: Record<string, unknown>, options?: Record<string, unknown>): Promise<unknown>;
}

/** The binding named `name`, or a clear error saying how to declare it. */
export function workersAIBinding(context: StepContext, name: string, owner: string): WorkersAIBinding {
  const binding = context.services.binding(name);
  if (binding && typeof (binding as { run?: unknown }).run === "function") return binding as WorkersAIBinding;
  throw new OptionError(
    `${owner} needs the Workers AI binding '${name}': add \`[ai]\nbinding = "${name}"\` to wrangler.toml (Workers AI has no local simulator; \`wrangler dev\` calls the real service)`,
    { component: owner, field: "binding", expected: `a Workers AI binding named ${name}` },
  );
}

/** AI Gateway routing options (`gateway: { id, skip_cache, cache_ttl }`) as the binding wants them. */
export function gatewayOptions(
  gateway: { id: string; skip_cache?: boolean | undefined; cache_ttl?: number | undefined } | undefined,
): Record<string, unknown> | undefined {
  if (!gateway) return undefined;
  const out: Record<string, unknown> = { id: gateway.id };
  if (gateway.skip_cache !== undefined) out.skipCache = gateway.skip_cache;
  if (gateway.cache_ttl !== undefined) out.cacheTtl = gateway.cache_ttl;
  return out;
}
