import { z } from "zod";
import { OptionError, RuntimeParameterError } from "../errors.js";
import { toCamelCase, toSnakeCase } from "../core/naming.js";
import { isPlainObject } from "../core/row-checks.js";
import type { EgressTarget } from "../security/egress-target.js";
import type { StepServices } from "../steps/step-context.js";
import { isOptionalSchema, isRequiredParameter, metaOf } from "./attributes.js";

export type ComponentKind = "step" | "llm" | "embeddings";

/** One entry of `runtime_parameters_info`, distilabel's discovery format. */
export type RuntimeParameterInfo =
  | { name: string; optional: boolean; description?: string; keys?: RuntimeParameterKeyInfo[] }
  | { name: string; runtime_parameters_info: RuntimeParameterInfo[] | Record<string, RuntimeParameterInfo[]> };

export interface RuntimeParameterKeyInfo {
  name: string;
  optional: boolean;
  description?: string;
}

/** What a component class must expose statically to be registered and loaded by name. */
export interface ComponentClass<C extends Component = Component> {
  readonly typeName: string;
  readonly componentKind: ComponentKind;
  /** The attribute schema its instances are built from. */
  readonly attributes: AnyObjectSchema;
  /** Builds an instance from camelCase options. */
  fromOptions(options: Record<string, unknown>): C;
}

export type AnyObjectSchema = z.ZodObject<z.ZodRawShape>;

/** A constructor's arguments: the options may be left out when every attribute is optional or has a default. */
// biome-ignore lint/complexity/noBannedTypes: `{} extends O` is the test for "every property of O is optional".
export type OptionsArgs<O> = {} extends O ? [options?: O] : [options: O];

/**
 * The attribute schema of a component class without building one (which may need options):
 * what discovery and the cache-key check walk for every registered component.
 */
export function attributeSchemaOf(cls: ComponentClass): AnyObjectSchema {
  return cls.attributes;
}

/** Keys every serialized component may carry that are not attributes. */
const DUMP_ONLY_KEYS = new Set(["type_info", "runtime_parameters_info"]);

/**
 * Base of steps, LLMs and embeddings: attributes typed by a zod object schema (camelCase in
 * TypeScript, snake_case on the wire), runtime parameters, dump and discovery.
 */
export abstract class Component<S extends AnyObjectSchema = AnyObjectSchema> {
  /** The name serialized pipelines use in `type_info.name`. */
  static readonly typeName: string = "Component";
  static readonly componentKind: ComponentKind = "step";
  /** The attribute schema, declared once per class (`static override attributes = z.object({...})`). */
  static readonly attributes: AnyObjectSchema = z.object({});

  /** Builds an instance from camelCase options (what the registry calls when loading). */
  static fromOptions<C extends Component>(this: new (options: never) => C, options: Record<string, unknown>): C {
    return new this(options as never);
  }

  readonly schema: S;
  attrs: z.output<S>;

  /** Parses `options` against the class's `static attributes`. */
  protected constructor(options: object = {}) {
    this.schema = (new.target as typeof Component).attributes as S;
    this.attrs = parseAttributes(this.schema, options as Record<string, unknown>, this.describeSelf());
  }

  /** The class this component is an instance of, with its static side. */
  private get componentClass(): typeof Component {
    return this.constructor as typeof Component;
  }

  get typeName(): string {
    return this.componentClass.typeName;
  }

  /** How errors name this component: `Step 'x'`, `LLM 'OpenAILLM'`. */
  describeSelf(): string {
    return `${this.componentClass.typeName ?? this.constructor.name}`;
  }

  /** The snake_case dump, distilabel's `pipeline.yaml` shape, without secrets. */
  dump(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, schema] of Object.entries(this.schema.shape)) {
      if (metaOf(schema as z.ZodType).secret) continue;
      out[toSnakeCase(key)] = dumpValue((this.attrs as Record<string, unknown>)[key]);
    }
    out.type_info = { name: this.typeName };
    return out;
  }

  /** Attribute names (camelCase) that are runtime parameters or nested components. */
  protected runtimeEntries(): Array<[string, z.ZodType]> {
    return Object.entries(this.schema.shape).filter(([key, schema]) => {
      const value = (this.attrs as Record<string, unknown>)[key];
      return metaOf(schema as z.ZodType).runtime === true || value instanceof Component || isComponentList(value);
    }) as Array<[string, z.ZodType]>;
  }

  runtimeParametersInfo(): RuntimeParameterInfo[] {
    const info: RuntimeParameterInfo[] = [];
    for (const [key, schema] of this.runtimeEntries()) {
      const value = (this.attrs as Record<string, unknown>)[key];
      const name = toSnakeCase(key);
      if (value instanceof Component) {
        info.push({ name, runtime_parameters_info: value.runtimeParametersInfo() });
      } else if (isComponentList(value)) {
        info.push({ name, runtime_parameters_info: Object.fromEntries(value.map((c, i) => [String(i), c.runtimeParametersInfo()])) });
      } else {
        const meta = metaOf(schema);
        const entry: RuntimeParameterInfo = { name, optional: !isRequiredParameter(schema) };
        if (meta.description) entry.description = meta.description;
        const keys = this.runtimeParameterKeys(key);
        if (keys) entry.keys = keys;
        info.push(entry);
      }
    }
    return info;
  }

  /** Sub-keys of a dict-valued runtime parameter (LLMs list their `generation_kwargs`). */
  protected runtimeParameterKeys(_attribute: string): RuntimeParameterKeyInfo[] | undefined {
    return undefined;
  }

  /**
   * Applies a `parameters` entry: `{ input_batch_size: 8, llm: { generation_kwargs: {...} } }`.
   * Unknown names, non-runtime attributes and ill-typed values are errors naming the path.
   */
  setRuntimeParameters(parameters: Record<string, unknown>, path: string[]): void {
    if (!isPlainObject(parameters)) {
      throw new RuntimeParameterError(`Runtime parameters of '${path.join(".")}' must be an object`, {
        step: path[0],
        parameter: path.join("."),
        expected: "an object",
      });
    }
    const entries = new Map(this.runtimeEntries());
    for (const [wireName, value] of Object.entries(parameters)) {
      const key = toCamelCase(wireName);
      const here = [...path, wireName];
      const parameter = here.join(".");
      const schema = entries.get(key);
      if (!schema) {
        const known = [...entries.keys()].map(toSnakeCase);
        const problem = key in this.schema.shape ? `'${parameter}' is not a runtime parameter of` : `Unknown runtime parameter '${parameter}' for`;
        throw new RuntimeParameterError(`${problem} ${this.describeSelf()}; runtime parameters are: ${known.join(", ") || "(none)"}`, {
          step: path[0],
          parameter,
          expected: `one of ${known.join(", ")}`,
        });
      }
      const current = (this.attrs as Record<string, unknown>)[key];
      if (current instanceof Component) {
        current.setRuntimeParameters(value as Record<string, unknown>, here);
        continue;
      }
      if (isComponentList(current)) {
        for (const [index, sub] of Object.entries((value ?? {}) as Record<string, unknown>)) {
          const target = current[Number(index)];
          const item = `${parameter}.${index}`;
          if (!target) {
            throw new RuntimeParameterError(`'${item}' does not exist (${current.length} items)`, {
              step: path[0],
              parameter: item,
              expected: `an index below ${current.length}`,
            });
          }
          target.setRuntimeParameters(sub as Record<string, unknown>, [...here, index]);
        }
        continue;
      }
      const parsed = schema.safeParse(value);
      if (!parsed.success) {
        throw new RuntimeParameterError(
          `Runtime parameter '${parameter}' of ${this.describeSelf()} is invalid: ${z.prettifyError(parsed.error).replace(/\n/g, " ")}`,
          { step: path[0], parameter, issues: parsed.error.issues },
        );
      }
      (this.attrs as Record<string, unknown>)[key] = parsed.data;
      this.onAttributesChanged();
    }
  }

  /** Required runtime parameters that have no value, as dotted paths below this component. */
  missingRuntimeParameters(): string[] {
    const missing: string[] = [];
    for (const [key, schema] of this.runtimeEntries()) {
      const value = (this.attrs as Record<string, unknown>)[key];
      if (value instanceof Component) {
        missing.push(...value.missingRuntimeParameters().map((p) => `${toSnakeCase(key)}.${p}`));
      } else if (isComponentList(value)) {
        value.forEach((c, i) => missing.push(...c.missingRuntimeParameters().map((p) => `${toSnakeCase(key)}.${i}.${p}`)));
      } else if (value === undefined && isRequiredParameter(schema)) {
        missing.push(toSnakeCase(key));
      }
    }
    return missing;
  }

  /**
   * Where this component's calls go and which secret each carries, nested components included
   * (SECURITY.md): validation checks them against the owner's rules before anything is sent.
   * Components that call out override it and add their own.
   */
  egressTargets(services: Pick<StepServices, "secret">): EgressTarget[] {
    const targets: EgressTarget[] = [];
    for (const [key, value] of Object.entries(this.attrs as Record<string, unknown>)) {
      const nested = value instanceof Component ? [value] : isComponentList(value) ? value : [];
      nested.forEach((component, index) => {
        const prefix = value instanceof Component ? toSnakeCase(key) : `${toSnakeCase(key)}.${index}`;
        for (const target of component.egressTargets(services)) targets.push({ ...target, field: `${prefix}.${target.field}` });
      });
    }
    return targets;
  }

  /** Hook for components that derive state from attributes (templates, clients). */
  protected onAttributesChanged(): void {}
}

function isComponentList(value: unknown): value is Component[] {
  return Array.isArray(value) && value.length > 0 && value.every((v) => v instanceof Component);
}

function dumpValue(value: unknown): unknown {
  if (value instanceof Component) return value.dump();
  if (value === undefined) return null;
  if (Array.isArray(value)) return value.map(dumpValue);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, dumpValue(v)]));
  }
  return value;
}

/**
 * Parses camelCase options against the schema. Unknown keys are errors (a typo is never
 * dropped silently), `null` stands for "unset" on optional attributes (dumps write unset as null).
 */
export function parseAttributes<S extends AnyObjectSchema>(schema: S, options: Record<string, unknown>, owner: string): z.output<S> {
  const shape = schema.shape;
  const cleaned: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (!(key in shape)) {
      const known = Object.keys(shape).map(toSnakeCase).join(", ");
      const field = toSnakeCase(key);
      throw new OptionError(`${owner} has no option '${field}'; its options are: ${known}`, { component: owner, field, expected: `one of ${known}` });
    }
    const fieldSchema = shape[key] as z.ZodType;
    if (value === null && !fieldSchema.safeParse(null).success && isOptionalSchema(fieldSchema)) continue;
    cleaned[key] = value;
  }
  // A required runtime parameter may be left for the run's `parameters` (distilabel's
  // `LoadDataFromHub()` without `repo_id`): it is checked at validation, not here.
  const deferred = Object.entries(shape).filter(
    ([key, field]) => cleaned[key] === undefined && metaOf(field as z.ZodType).runtime === true && !isOptionalSchema(field as z.ZodType),
  );
  const effective = deferred.length === 0 ? schema : schema.extend(Object.fromEntries(deferred.map(([key, field]) => [key, (field as z.ZodType).optional()])));
  const parsed = effective.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue ? issue.path.map((p) => (typeof p === "string" ? toSnakeCase(p) : String(p))).join(".") : "";
    throw new OptionError(`${owner}: invalid option '${field}': ${issue?.message ?? "invalid"}`, { component: owner, field, issues: parsed.error.issues });
  }
  return parsed.data as z.output<S>;
}

/** Converts a snake_case serialized component (minus dump-only keys) to camelCase options. */
export function wireToOptions(data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if (DUMP_ONLY_KEYS.has(key)) continue;
    out[toCamelCase(key)] = value;
  }
  return out;
}
