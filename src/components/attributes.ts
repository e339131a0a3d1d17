import { z } from "zod";

/** What a component attribute is, beyond its type. Read by dump, runtime parameters and signatures. */
export interface AttributeMeta {
  /** Settable at run time through the nested `parameters` object (distilabel's `RuntimeParameter`). */
  runtime?: boolean;
  description?: string;
  /** Never dumped, never accepted from a serialized pipeline (API keys and the like). */
  secret?: boolean;
  /** Left out of the step signature, so changing it keeps the cache (batch sizes, resources). */
  excludeFromSignature?: boolean;
  /**
   * A runtime parameter the step cannot run without although its schema accepts `undefined`
   * (so TypeScript lets it be declared first and set from the run's `parameters`, as
   * distilabel's `LoadDataFromHub().repo_id`); validation reports it when still missing.
   */
  required?: boolean;
}

export const attributeMeta = z.registry<AttributeMeta>();

function mark<T extends z.ZodType>(schema: T, meta: AttributeMeta): T {
  attributeMeta.add(schema as z.ZodType, meta);
  return schema;
}

/**
 * Marks an attribute as a runtime parameter. A parameter is optional when its schema accepts
 * `undefined` (it has a default or is `.optional()`), required otherwise.
 *
 * @example
 * const attrs = z.object({ maxLength: runtimeParameter(z.number().int().default(256), "Longest text kept.") });
 */
export function runtimeParameter<T extends z.ZodType>(schema: T, description: string, meta: Omit<AttributeMeta, "runtime" | "description"> = {}): T {
  return mark(schema, { ...meta, runtime: true, description });
}

/** An attribute with a description (documentation and `runtime_parameters_info` only). */
export function attribute<T extends z.ZodType>(schema: T, description: string, meta: Omit<AttributeMeta, "description"> = {}): T {
  return mark(schema, { ...meta, description });
}

/** A credential given in code; never serialized. Serialized pipelines name a secret instead. */
export function secretAttribute<T extends z.ZodType>(schema: T, description: string): T {
  return mark(schema, { secret: true, description, excludeFromSignature: true });
}

export function metaOf(schema: z.ZodType): AttributeMeta {
  return attributeMeta.get(schema) ?? {};
}

export function isOptionalSchema(schema: z.ZodType): boolean {
  return schema.safeParse(undefined).success;
}

/** Whether a runtime parameter must have a value before the run starts. */
export function isRequiredParameter(schema: z.ZodType): boolean {
  return metaOf(schema).required === true || !isOptionalSchema(schema);
}
