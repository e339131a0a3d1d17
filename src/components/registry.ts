import { UnknownTypeError, SerializationError } from "../errors.js";
import type { RoutingBatchFunction, RoutingFactory } from "../pipeline/routing-batch-function.js";
import { wireToOptions, type Component, type ComponentClass, type ComponentKind } from "./component.js";

const KIND_LABEL: Record<ComponentKind, string> = { step: "step", llm: "LLM", embeddings: "embeddings" };

/**
 * Resolves `type_info.name` of serialized steps, tasks, LLMs, embeddings and routing functions.
 * A Worker builds one from the defaults plus its own custom components; names are unique.
 *
 * @example
 * const registry = createDefaultRegistry().register(MyStep).registerRouting(routeByLength);
 */
export class Registry {
  private readonly components = new Map<string, ComponentClass>();
  private readonly routing = new Map<string, RoutingFactory>();

  register(...classes: ComponentClass[]): this {
    for (const cls of classes) {
      const existing = this.components.get(cls.typeName);
      if (existing && existing !== cls) throw new SerializationError(`A component named '${cls.typeName}' is already registered`, { name: cls.typeName });
      this.components.set(cls.typeName, cls);
    }
    return this;
  }

  /** Registers a routing function factory under the name its functions carry. */
  registerRouting(...factories: RoutingFactory[]): this {
    for (const factory of factories) this.routing.set(factory.typeName, factory);
    return this;
  }

  has(name: string): boolean {
    return this.components.has(name);
  }

  names(kind?: ComponentKind): string[] {
    return [...this.components.values()]
      .filter((c) => kind === undefined || c.componentKind === kind)
      .map((c) => c.typeName)
      .sort();
  }

  /** The registered class named `name`, of any kind. */
  classOf(name: string): ComponentClass | undefined {
    return this.components.get(name);
  }

  routingNames(): string[] {
    return [...this.routing.keys()].sort();
  }

  resolve(kind: ComponentKind, name: string): ComponentClass {
    const cls = this.components.get(name);
    if (!cls || cls.componentKind !== kind) throw new UnknownTypeError(KIND_LABEL[kind], name, this.names(kind));
    return cls;
  }

  routingFunction(name: string, kwargs: Record<string, unknown>): RoutingBatchFunction {
    const factory = this.routing.get(name);
    if (!factory) throw new UnknownTypeError("routing batch function", name, this.routingNames());
    return factory(kwargs);
  }

  /**
   * Builds a component from its serialized (snake_case) form. Nested values carrying
   * `type_info` (an LLM inside a task, proposers of a mixture) are built first.
   */
  load<C extends Component>(data: unknown, kind: ComponentKind, path = "component"): C {
    if (typeof data !== "object" || data === null || Array.isArray(data)) {
      throw new SerializationError(`'${path}' must be an object with type_info`, { field: path, expected: "an object" });
    }
    const record = data as Record<string, unknown>;
    const name = typeName(record, path);
    const cls = this.resolve(kind, name);
    const options = wireToOptions(record);
    for (const [key, value] of Object.entries(options)) options[key] = this.loadNested(value, `${path}.${key}`);
    return cls.fromOptions(options) as C;
  }

  private loadNested(value: unknown, path: string): unknown {
    if (Array.isArray(value)) return value.map((v, i) => this.loadNested(v, `${path}.${i}`));
    if (value !== null && typeof value === "object" && "type_info" in value) {
      const name = typeName(value as Record<string, unknown>, path);
      const cls = this.components.get(name);
      if (!cls) throw new UnknownTypeError("component", name, this.names());
      return this.load(value, cls.componentKind, path);
    }
    return value;
  }

  clone(): Registry {
    const copy = new Registry();
    for (const cls of this.components.values()) copy.register(cls);
    for (const factory of this.routing.values()) copy.registerRouting(factory);
    return copy;
  }
}

function typeName(record: Record<string, unknown>, path: string): string {
  const info = record.type_info;
  if (typeof info !== "object" || info === null || typeof (info as { name?: unknown }).name !== "string") {
    throw new SerializationError(`'${path}.type_info.name' is missing; every serialized component names its type`, {
      field: `${path}.type_info.name`,
      expected: "a registered type name",
    });
  }
  return (info as { name: string }).name;
}
