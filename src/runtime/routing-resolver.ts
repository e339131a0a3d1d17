import type { Registry } from "../components/registry.js";
import type { RoutingResolver } from "../engine/run-engine.js";

/** Resolves the engine's routing functions by name in the registry, building each once. */
export function routingResolver(registry: Registry): RoutingResolver {
  const built = new Map<string, ReturnType<RoutingResolver>>();
  return (typeName, kwargs) => {
    const key = `${typeName}:${JSON.stringify(kwargs)}`;
    let chooser = built.get(key);
    if (!chooser) {
      chooser = registry.routingFunction(typeName, kwargs).choose;
      built.set(key, chooser);
    }
    return chooser;
  };
}
