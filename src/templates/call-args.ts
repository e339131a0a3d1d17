import { TemplateValueError } from "./template-error.js";
import { getItem, isUndefined, typeName } from "./values.js";

/** Marks a parameter without a default. */
export const REQUIRED: unique symbol = Symbol("required");

/**
 * A Python-style signature: parameter names with their defaults, in positional order (an
 * object keeps its keys in insertion order, and no parameter name is integer-like).
 */
export type ParamSpec = Readonly<Record<string, unknown>>;

/** What filters that apply other filters or tests (map, select...) are given. */
export interface CallEnv {
  filter(name: string, value: unknown, args: unknown[], kwargs: Record<string, unknown>): unknown;
  test(name: string, value: unknown, args: unknown[], kwargs: Record<string, unknown>): boolean;
}

/**
 * Binds positional and keyword arguments to a signature as Python would: too many positional
 * arguments, unknown keywords and missing required ones are errors naming the callee.
 * With `varargs`, extra positional arguments are returned in `rest` instead.
 */
export function bindArgs(
  callee: string,
  params: ParamSpec,
  call: { args: unknown[]; kwargs: Record<string, unknown> },
  varargs = false,
): { values: Record<string, unknown>; rest: unknown[] } {
  const values: Record<string, unknown> = {};
  const names = Object.keys(params);
  const positional = varargs ? call.args.slice(0, names.length) : call.args;
  const rest = varargs ? call.args.slice(names.length) : [];
  if (positional.length > names.length) {
    throw new TemplateValueError(`${callee}() takes at most ${names.length} positional argument(s) but ${positional.length} were given`);
  }
  positional.forEach((value, i) => {
    values[names[i] as string] = value;
  });
  for (const [name, value] of Object.entries(call.kwargs)) {
    if (!Object.hasOwn(params, name)) throw new TemplateValueError(`${callee}() got an unexpected keyword argument '${name}'`);
    if (name in values) throw new TemplateValueError(`${callee}() got multiple values for argument '${name}'`);
    values[name] = value;
  }
  for (const [name, fallback] of Object.entries(params)) {
    if (name in values) continue;
    if (fallback === REQUIRED) throw new TemplateValueError(`${callee}() missing required argument '${name}'`);
    values[name] = fallback;
  }
  return { values, rest };
}

export function asInt(value: unknown, what: string): number {
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value !== "number" || !Number.isInteger(value)) throw new TemplateValueError(`${what} must be an integer, got ${typeName(value)}`);
  return value;
}

export function asString(value: unknown, what: string): string {
  if (typeof value !== "string") throw new TemplateValueError(`${what} must be a string, got ${typeName(value)}`);
  return value;
}

export function asOptionalString(value: unknown, what: string): string | undefined {
  return value === null || isUndefined(value) ? undefined : asString(value, what);
}

/**
 * Jinja2's attribute getter for `attribute=` arguments: dotted paths, integer parts index
 * lists (`"users.0.name"`).
 */
export function attributeGetter(attribute: unknown): (item: unknown) => unknown {
  if (typeof attribute === "number") return (item) => getItem(item, attribute);
  const parts = asString(attribute, "attribute")
    .split(".")
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  return (item) => parts.reduce<unknown>((current, part) => getItem(current, part), item);
}

/** Arguments of one call of a filter, test or function. */
export interface CallArgs {
  args: unknown[];
  kwargs: Record<string, unknown>;
}

export type FilterFn = (value: unknown, call: CallArgs, env: CallEnv) => unknown;

/** A filter with a Python-style signature: arguments are bound before `fn` runs. */
export function withParams(
  name: string,
  params: ParamSpec,
  fn: (value: unknown, p: Record<string, unknown>, env: CallEnv, rest: unknown[]) => unknown,
  varargs = false,
): FilterFn {
  return (value, call, env) => {
    const { values, rest } = bindArgs(name, params, call, varargs);
    return fn(value, values, env, rest);
  };
}
