import type { CallArgs, CallEnv, FilterFn } from "./call-args.js";
import { SEQUENCE_FILTERS } from "./filters-sequence.js";
import { TEXT_FILTERS } from "./filters-text.js";
import { TemplateValueError } from "./template-error.js";
import { applyTest } from "./template-tests.js";

const FILTERS: Record<string, FilterFn> = { ...TEXT_FILTERS, ...SEQUENCE_FILTERS, e: TEXT_FILTERS.escape as FilterFn };

export const FILTER_NAMES: readonly string[] = Object.keys(FILTERS).sort();

export function hasFilter(name: string): boolean {
  return Object.hasOwn(FILTERS, name);
}

/** The environment filters like `map` and `select` use to reach other filters and tests. */
export const callEnv: CallEnv = {
  filter: (name, value, args, kwargs) => applyFilter(name, value, { args, kwargs }),
  test: (name, value, args, kwargs) => applyTest(name, value, { args, kwargs }),
};

/** Applies the Jinja2 filter `name` (`value | name(args)`). */
export function applyFilter(name: string, value: unknown, call: CallArgs): unknown {
  const fn = Object.hasOwn(FILTERS, name) ? FILTERS[name] : undefined;
  if (!fn) throw new TemplateValueError(`no filter named '${name}'`);
  return fn(value, call, callEnv);
}
