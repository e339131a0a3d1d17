import { REQUIRED, asInt, asString, attributeGetter, withParams, type CallEnv, type FilterFn } from "./call-args.js";
import { TemplateValueError } from "./template-error.js";
import { Undefined, add, compare, getItem, isMapping, isUndefined, iterate, length, repr, toStr, truthy } from "./values.js";

type KeyFn = (item: unknown) => unknown;

/** The sort key of an item; `multi` allows `attribute="a,b"` (several keys, as `sort` does). */
function sortKey(attribute: unknown, caseSensitive: unknown, multi = false): KeyFn {
  const fold = (key: unknown): unknown => (!truthy(caseSensitive) && typeof key === "string" ? key.toLowerCase() : key);
  if (attribute === null || isUndefined(attribute)) return (item) => fold(item);
  if (multi && typeof attribute === "string" && attribute.includes(",")) {
    const getters = attribute.split(",").map((part) => attributeGetter(part.trim()));
    return (item) => getters.map((get) => fold(get(item)));
  }
  const get = attributeGetter(attribute);
  return (item) => fold(get(item));
}

function minOrMax(value: unknown, p: Record<string, unknown>, sign: 1 | -1): unknown {
  const items = iterate(value);
  if (items.length === 0) return new Undefined("No aggregated item, sequence was empty.");
  const key = sortKey(p.attribute, p.case_sensitive);
  return items.reduce((best, item) => (sign * compare(key(item), key(best)) < 0 ? item : best));
}

/** `select`/`reject` and their `attr` variants share one walk. */
function selectBy(
  items: unknown[],
  env: CallEnv,
  options: { get: KeyFn; test: unknown; args: unknown[]; kwargs: Record<string, unknown>; keep: boolean },
): unknown[] {
  const check =
    options.test === undefined || options.test === null
      ? (v: unknown) => truthy(v)
      : (v: unknown) => env.test(asString(options.test, "test name"), v, options.args, options.kwargs);
  return items.filter((item) => check(options.get(item)) === options.keep);
}

function selectFilter(keep: boolean, byAttribute: boolean): FilterFn {
  return (value, call, env) => {
    const items = iterate(value);
    if (byAttribute) {
      const [attribute, test, ...args] = call.args;
      if (attribute === undefined) throw new TemplateValueError(`${keep ? "selectattr" : "rejectattr"}() needs an attribute name`);
      return selectBy(items, env, { get: attributeGetter(attribute), test, args, kwargs: call.kwargs, keep });
    }
    const [test, ...args] = call.args;
    return selectBy(items, env, { get: (item) => item, test, args, kwargs: call.kwargs, keep });
  };
}

function dictItems(value: unknown, filter: string): Array<[string, unknown]> {
  if (isUndefined(value)) return [];
  if (!isMapping(value)) throw new TemplateValueError(`${filter}() expects a mapping, got ${repr(value)}`);
  return Object.entries(value);
}

function defaultFilter(value: unknown, p: Record<string, unknown>): unknown {
  return isUndefined(value) || (truthy(p.boolean) && !truthy(value)) ? p.default_value : value;
}

/** List, dict and aggregate filters, Jinja2's names and signatures. */
export const SEQUENCE_FILTERS: Record<string, FilterFn> = {
  length: withParams("length", {}, (v) => length(v)),
  count: withParams("count", {}, (v) => length(v)),
  default: withParams("default", { default_value: "", boolean: false }, defaultFilter),
  d: withParams("d", { default_value: "", boolean: false }, defaultFilter),
  first: withParams("first", {}, (v) => {
    const items = iterate(v);
    return items.length > 0 ? items[0] : new Undefined("No first item, sequence was empty.");
  }),
  last: withParams("last", {}, (v) => {
    const items = iterate(v);
    return items.length > 0 ? items[items.length - 1] : new Undefined("No last item, sequence was empty.");
  }),
  list: withParams("list", {}, (v) => [...iterate(v)]),
  join: withParams("join", { d: "", attribute: null }, (v, p) => {
    const get = p.attribute === null ? (item: unknown) => item : attributeGetter(p.attribute);
    return iterate(v)
      .map((item) => toStr(get(item)))
      .join(toStr(p.d));
  }),
  sort: withParams("sort", { reverse: false, case_sensitive: false, attribute: null }, (v, p) => {
    const key = sortKey(p.attribute, p.case_sensitive, true);
    const sorted = [...iterate(v)].sort((a, b) => compare(key(a), key(b)));
    return truthy(p.reverse) ? sorted.reverse() : sorted;
  }),
  reverse: withParams("reverse", {}, (v) => (typeof v === "string" ? Array.from(v).reverse().join("") : [...iterate(v)].reverse())),
  unique: withParams("unique", { case_sensitive: false, attribute: null }, (v, p) => {
    const key = sortKey(p.attribute, p.case_sensitive);
    const seen = new Set<string>();
    return iterate(v).filter((item) => {
      const id = repr(key(item));
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    });
  }),
  min: withParams("min", { case_sensitive: false, attribute: null }, (v, p) => minOrMax(v, p, 1)),
  max: withParams("max", { case_sensitive: false, attribute: null }, (v, p) => minOrMax(v, p, -1)),
  sum: withParams("sum", { attribute: null, start: 0 }, (v, p) => {
    const get = p.attribute === null ? (item: unknown) => item : attributeGetter(p.attribute);
    return iterate(v).reduce<unknown>((total, item) => add(total, get(item)), p.start);
  }),
  map: (value, call, env) => {
    const items = iterate(value);
    if (call.args.length === 0 && "attribute" in call.kwargs) {
      const get = attributeGetter(call.kwargs.attribute);
      const fallback = call.kwargs.default;
      return items.map((item) => {
        const got = get(item);
        return isUndefined(got) && fallback !== undefined ? fallback : got;
      });
    }
    const [name, ...args] = call.args;
    if (name === undefined) throw new TemplateValueError("map() needs a filter name or attribute=...");
    return items.map((item) => env.filter(asString(name, "filter name"), item, args, call.kwargs));
  },
  select: selectFilter(true, false),
  reject: selectFilter(false, false),
  selectattr: selectFilter(true, true),
  rejectattr: selectFilter(false, true),
  batch: withParams("batch", { linecount: REQUIRED, fill_with: null }, (v, p) => {
    const size = asInt(p.linecount, "linecount");
    if (size <= 0) throw new TemplateValueError("batch(): linecount must be positive");
    const items = iterate(v);
    const out: unknown[][] = [];
    for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
    const last = out.at(-1);
    if (last && p.fill_with !== null && last.length < size) while (last.length < size) last.push(p.fill_with);
    return out;
  }),
  dictsort: withParams("dictsort", { case_sensitive: false, by: "key", reverse: false }, (v, p) => {
    const index = p.by === "key" ? 0 : p.by === "value" ? 1 : undefined;
    if (index === undefined) throw new TemplateValueError("dictsort(): by must be 'key' or 'value'");
    const key = sortKey(null, p.case_sensitive);
    const sorted = dictItems(v, "dictsort").sort((a, b) => compare(key(a[index]), key(b[index])));
    return truthy(p.reverse) ? sorted.reverse() : sorted;
  }),
  items: withParams("items", {}, (v) => dictItems(v, "items")),
  attr: withParams("attr", { name: REQUIRED }, (v, p) => getItem(v, p.name)),
};
