import { checkLength } from "./render-budget.js";
import { TemplateValueError } from "./template-error.js";
import { getItem, isMapping, isUndefined, repr, toNumber, toStr, typeName } from "./values.js";

export interface JsonDumpsOptions {
  indent?: number | string | undefined;
  sortKeys?: boolean;
  /** Escape `<`, `>`, `&` and `'` as Jinja2's `tojson` does (`htmlsafe_json_dumps`). */
  htmlSafe?: boolean;
}

/**
 * Python's `json.dumps` (ensure_ascii on, Python's separators), so `tojson` output matches what
 * distilabel's Jinja2 renders for the same row.
 */
export function jsonDumps(value: unknown, options: JsonDumpsOptions = {}): string {
  const indentUnit = typeof options.indent === "number" ? " ".repeat(options.indent) : options.indent;
  const itemSeparator = indentUnit === undefined ? ", " : ",";
  const encode = (v: unknown, depth: number): string => {
    if (isUndefined(v)) throw new TemplateValueError("Object of type Undefined is not JSON serializable");
    if (v === null) return "null";
    if (v === true) return "true";
    if (v === false) return "false";
    if (typeof v === "number") return Number.isNaN(v) ? "NaN" : v === Infinity ? "Infinity" : v === -Infinity ? "-Infinity" : String(v);
    if (typeof v === "string") return encodeString(v);
    const entries: Array<[string | undefined, unknown]> = Array.isArray(v)
      ? v.map((item) => [undefined, item])
      : isMapping(v)
        ? Object.entries(v)
        : (() => {
            throw new TemplateValueError(`Object of type ${typeName(v)} is not JSON serializable`);
          })();
    if (!Array.isArray(v) && options.sortKeys) entries.sort(([a], [b]) => ((a ?? "") < (b ?? "") ? -1 : (a ?? "") > (b ?? "") ? 1 : 0));
    const [open, close] = Array.isArray(v) ? ["[", "]"] : ["{", "}"];
    if (entries.length === 0) return open + close;
    const parts = entries.map(([key, item]) => (key === undefined ? "" : `${encodeString(key)}: `) + encode(item, depth + 1));
    if (indentUnit === undefined) return open + parts.join(itemSeparator) + close;
    const inner = "\n" + indentUnit.repeat(depth + 1);
    return open + inner + parts.join(itemSeparator + inner) + "\n" + indentUnit.repeat(depth) + close;
  };
  const text = encode(value, 0);
  return options.htmlSafe ? text.replace(/[<>&']/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`) : text;
}

const JSON_ESCAPES: Readonly<Record<string, string>> = { '"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f" };

function encodeString(value: string): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    const char = value[i] as string;
    out += JSON_ESCAPES[char] ?? (code < 0x20 || code > 0x7e ? `\\u${code.toString(16).padStart(4, "0")}` : char);
  }
  return out + '"';
}

/**
 * `value.toFixed(digits)` with Python's rounding: exact ties go to the even digit (JavaScript
 * rounds them up), so `%.1f` of 92.25 is "92.2" in both languages.
 */
export function pyToFixed(value: number, digits: number): string {
  if (!Number.isFinite(value)) return value > 0 ? "inf" : value < 0 ? "-inf" : "nan";
  const plain = value.toFixed(digits);
  // toFixed with more digits prints the double's exact expansion; a tie ends in 5 then zeros.
  const exact = Math.abs(value).toFixed(Math.min(100, digits + 25));
  const point = exact.indexOf(".");
  const rest = exact.slice(point + 1 + digits);
  if (!/^50*$/.test(rest)) return plain;
  const kept = exact.slice(0, digits === 0 ? point : point + 1 + digits);
  const lastDigit = Number(kept.replace(".", "").slice(-1));
  if (lastDigit % 2 === 1) return plain;
  return (value < 0 ? "-" : "") + kept;
}

const PERCENT_SPEC = /%(?:\(([^)]*)\))?([-+ #0]*)(\d+)?(?:\.(\d+))?([sdirfFeExXoc%])/g;

/** Python's printf-style `format % args` (the `format` filter and the `%` operator on strings). */
export function percentFormat(format: string, args: unknown): string {
  const positional = Array.isArray(args) ? args : [args];
  let next = 0;
  const out = format.replace(
    PERCENT_SPEC,
    (_match, key: string | undefined, flags: string, width: string | undefined, precision: string | undefined, conversion: string) => {
      if (conversion === "%") return "%";
      let value: unknown;
      if (key !== undefined) {
        if (!isMapping(args)) throw new TemplateValueError("format requires a mapping");
        value = getItem(args, key);
        if (isUndefined(value)) throw new TemplateValueError(`format key ${repr(key)} is missing`);
      } else {
        if (next >= positional.length) throw new TemplateValueError("not enough arguments for format string");
        value = positional[next++];
      }
      return pad(convert(value, conversion, flags, precision === undefined ? undefined : Number(precision)), flags, width, conversion);
    },
  );
  if (Array.isArray(args) && next < positional.length) throw new TemplateValueError("not all arguments converted during string formatting");
  return out;
}

function convert(value: unknown, conversion: string, flags: string, precision: number | undefined): string {
  const sign = (n: number, text: string): string => (n >= 0 && flags.includes("+") ? `+${text}` : n >= 0 && flags.includes(" ") ? ` ${text}` : text);
  switch (conversion) {
    case "s":
      return precision === undefined ? toStr(value) : toStr(value).slice(0, precision);
    case "r":
      return repr(value);
    case "d":
    case "i": {
      const n = Math.trunc(toNumber(value, "%d format"));
      return sign(n, String(n));
    }
    case "f":
    case "F": {
      const n = toNumber(value, "%f format");
      return sign(n, pyToFixed(n, precision ?? 6));
    }
    case "e":
    case "E": {
      const n = toNumber(value, "%e format");
      const text = n.toExponential(precision ?? 6).replace(/e([+-])(\d)$/, "e$10$2");
      return sign(n, conversion === "E" ? text.toUpperCase() : text);
    }
    case "x":
    case "X":
    case "o": {
      const n = Math.trunc(toNumber(value, `%${conversion} format`));
      const text = Math.abs(n).toString(conversion === "o" ? 8 : 16);
      return sign(n, (n < 0 ? "-" : "") + (conversion === "X" ? text.toUpperCase() : text));
    }
    case "c":
      return typeof value === "number" ? String.fromCodePoint(value) : toStr(value);
    default:
      throw new TemplateValueError(`unsupported format character '${conversion}'`);
  }
}

function pad(text: string, flags: string, width: string | undefined, conversion: string): string {
  const size = width === undefined ? 0 : Number(width);
  checkLength(size, "a %-format width");
  if (text.length >= size) return text;
  if (flags.includes("-")) return text.padEnd(size);
  if (flags.includes("0") && "difFeExXo".includes(conversion)) {
    const negative = text.startsWith("-") || text.startsWith("+");
    return negative ? text[0] + text.slice(1).padStart(size - 1, "0") : text.padStart(size, "0");
  }
  return text.padStart(size);
}

/** Python's `str.format` for `{}`, `{0}`, `{name}`, `{!r}` and `{{`/`}}` (format specs are not supported). */
export function braceFormat(format: string, args: unknown[], kwargs: Record<string, unknown>): string {
  let auto = 0;
  return format.replace(
    /\{\{|\}\}|\{([^{}!:]*)(?:!([rs]))?(?::([^{}]*))?\}/g,
    (match, field: string | undefined, conversion: string | undefined, spec: string | undefined) => {
      if (match === "{{") return "{";
      if (match === "}}") return "}";
      if (spec) throw new TemplateValueError(`format spec ':${spec}' is not supported in str.format`);
      let value: unknown;
      if (field === undefined || field === "") value = args[auto++];
      else if (/^\d+$/.test(field)) value = args[Number(field)];
      else value = Object.hasOwn(kwargs, field) ? kwargs[field] : undefined;
      if (value === undefined) throw new TemplateValueError(`str.format: no value for field ${repr(field ?? auto - 1)}`);
      return conversion === "r" ? repr(value) : toStr(value);
    },
  );
}
