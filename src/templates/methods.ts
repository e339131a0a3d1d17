import { REQUIRED, asInt, asString, bindArgs, type CallArgs, type ParamSpec } from "./call-args.js";
import { pyReplace, pyStrip, splitLines, title } from "./filters-text.js";
import { braceFormat } from "./python-format.js";
import { TemplateValueError } from "./template-error.js";
import { equals, getItem, isMapping, isUndefined, iterate, toStr, typeName } from "./values.js";

type Method<T> = (self: T, p: Record<string, unknown>, call: CallArgs) => unknown;
interface MethodDef<T> {
  params: ParamSpec;
  fn: Method<T>;
  /** Takes the raw arguments (str.format). */
  raw?: boolean;
}

const m = <T>(fn: Method<T>, params: ParamSpec = {}, raw = false): MethodDef<T> => ({ params, fn, raw });

function pySplit(text: string, sep: unknown, maxsplit: number): string[] {
  if (sep === null || isUndefined(sep)) {
    const words = text.trim().split(/\s+/).filter(Boolean);
    if (maxsplit < 0 || words.length <= maxsplit + 1) return words;
    const out: string[] = [];
    let rest = text.replace(/^\s+/, "");
    for (let i = 0; i < maxsplit; i++) {
      const match = /\s+/.exec(rest);
      if (!match) break;
      out.push(rest.slice(0, match.index));
      rest = rest.slice(match.index + match[0].length);
    }
    out.push(rest);
    return out;
  }
  const separator = asString(sep, "sep");
  if (separator === "") throw new TemplateValueError("empty separator");
  const parts = text.split(separator);
  if (maxsplit < 0 || parts.length <= maxsplit + 1) return parts;
  return [...parts.slice(0, maxsplit), parts.slice(maxsplit).join(separator)];
}

const prefixes = (value: unknown): string[] => (Array.isArray(value) ? value.map((v) => asString(v, "prefix")) : [asString(value, "prefix")]);

/** Python `str` methods templates commonly call. */
const STRING_METHODS: Record<string, MethodDef<string>> = {
  upper: m((s) => s.toUpperCase()),
  lower: m((s) => s.toLowerCase()),
  title: m((s) => title(s)),
  capitalize: m((s) => (s ? s.charAt(0).toUpperCase() + s.slice(1).toLowerCase() : s)),
  strip: m((s, p) => pyStrip(s, p.chars), { chars: null }),
  lstrip: m((s, p) => pyStrip(s, p.chars, "left"), { chars: null }),
  rstrip: m((s, p) => pyStrip(s, p.chars, "right"), { chars: null }),
  split: m((s, p) => pySplit(s, p.sep, asInt(p.maxsplit, "maxsplit")), { sep: null, maxsplit: -1 }),
  splitlines: m((s) => splitLines(s)),
  startswith: m((s, p) => prefixes(p.prefix).some((x) => s.startsWith(x)), { prefix: REQUIRED }),
  endswith: m((s, p) => prefixes(p.suffix).some((x) => s.endsWith(x)), { suffix: REQUIRED }),
  replace: m((s, p) => pyReplace(s, asString(p.old, "old"), asString(p.new, "new"), p.count === -1 ? undefined : asInt(p.count, "count")), {
    old: REQUIRED,
    new: REQUIRED,
    count: -1,
  }),
  join: m(
    (s, p) =>
      iterate(p.iterable)
        .map((item) => toStr(item))
        .join(s),
    { iterable: REQUIRED },
  ),
  count: m((s, p) => s.split(asString(p.sub, "sub")).length - 1, { sub: REQUIRED }),
  find: m((s, p) => s.indexOf(asString(p.sub, "sub")), { sub: REQUIRED }),
  format: m((s, _p, call) => braceFormat(s, call.args, call.kwargs), {}, true),
  isdigit: m((s) => /^\d+$/.test(s)),
  isspace: m((s) => /^\s+$/.test(s)),
};

/** Python `dict` methods (`d.items()` in `for k, v in d.items()`). */
const DICT_METHODS: Record<string, MethodDef<Record<string, unknown>>> = {
  items: m((d) => Object.entries(d)),
  keys: m((d) => Object.keys(d)),
  values: m((d) => Object.values(d)),
  get: m(
    (d, p) => {
      const got = getItem(d, p.key);
      return isUndefined(got) ? p.default : got;
    },
    { key: REQUIRED, default: null },
  ),
};

const LIST_METHODS: Record<string, MethodDef<unknown[]>> = {
  count: m((l, p) => l.filter((item) => equals(item, p.value)).length, { value: REQUIRED }),
  index: m(
    (l, p) => {
      const index = l.findIndex((item) => equals(item, p.value));
      if (index === -1) throw new TemplateValueError("list.index(x): x not in list");
      return index;
    },
    { value: REQUIRED },
  ),
};

function run<T>(table: Record<string, MethodDef<T>>, self: T, name: string, call: CallArgs): { found: true; value: unknown } | undefined {
  const def = Object.hasOwn(table, name) ? table[name] : undefined;
  if (!def) return undefined;
  const params = def.raw ? {} : bindArgs(`${typeName(self)}.${name}`, def.params, call).values;
  return { found: true, value: def.fn(self, params, call) };
}

/** Calls a Python built-in method on a data value; `undefined` when the type has no such method. */
export function callMethod(target: unknown, name: string, call: CallArgs): { found: true; value: unknown } | undefined {
  if (typeof target === "string") return run(STRING_METHODS, target, name, call);
  if (Array.isArray(target)) return run(LIST_METHODS, target, name, call);
  if (isMapping(target)) return run(DICT_METHODS, target, name, call);
  return undefined;
}
