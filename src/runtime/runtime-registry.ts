import type { Registry } from "../components/registry.js";
import { createDefaultRegistry } from "../default-registry.js";

/**
 * The registry a Worker was built with. Durable Objects and queue consumers run in the same
 * script as `createWorker`, so it registers here once at module load and they read it back.
 */
let current: Registry | undefined;

export function setRuntimeRegistry(registry: Registry): void {
  current = registry;
}

export function runtimeRegistry(): Registry {
  current ??= createDefaultRegistry();
  return current;
}
