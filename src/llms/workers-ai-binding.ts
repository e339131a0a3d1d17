import { z } from "zod";
import { attribute } from "../components/attributes.js";
import { OptionError } from "../errors.js";
import type { StepContext } from "../steps/step-context.js";

/** The slice of the Workers AI binding (`env.AI`) we call, structurally (no Cloudflare types in src/). */
export interface WorkersAIBinding {
  run(model: string, inputs: Record<string, unknown>, options?: Record<string, unknown>): Promise<unknown>;
}

export const gatewaySchema = z
  .object({ id: z.string().min(1), skip_cache: z.boolean().optional(), cache_ttl: z.number().int().positive().optional() })
  .strict();

/** `binding` and `gateway`, the attributes of every Workers AI component. */
export const workersAiBindingAttributes = {
  binding: attribute(z.string().min(1).default("AI"), "The name of the Workers AI binding in wrangler.toml."),
  gateway: attribute(gatewaySchema.optional(), "Route calls through an AI Gateway: `{id, skip_cache, cache_ttl}`."),
};

/** The binding named `name`, or a clear error saying how to declare it. */
export function workersAIBinding(context: StepContext, name: string, owner: string): WorkersAIBinding {
  const binding = context.services.binding(name);
  if (binding && typeof (binding as { run?: unknown }).run === "function") return binding as WorkersAIBinding;
  throw new OptionError(
    `${owner} needs the Workers AI binding '${name}': add \`[ai]\nbinding = "${name}"\` to wrangler.toml (Workers AI has no local simulator; \`wrangler dev\` calls the real service)`,
    { component: owner, field: "binding", expected: `a Workers AI binding named ${name}` },
  );
}

/** The options of one `run` call: the attempt's signal, and AI Gateway routing (`gateway: { id, skip_cache, cache_ttl }`) as the binding wants it. */
export function runOptions(signal: AbortSignal, gateway: z.infer<typeof gatewaySchema> | undefined): Record<string, unknown> {
  if (!gateway) return { signal };
  const routing: Record<string, unknown> = { id: gateway.id };
  if (gateway.skip_cache !== undefined) routing.skipCache = gateway.skip_cache;
  if (gateway.cache_ttl !== undefined) routing.cacheTtl = gateway.cache_ttl;
  return { signal, gateway: routing };
}
