import { checkLength } from "./render-budget.js";
import { REQUIRED, asInt, asOptionalString, asString, withParams, type FilterFn } from "./call-args.js";
import { jsonDumps, percentFormat, pyToFixed } from "./python-format.js";
import { TemplateValueError } from "./template-error.js";
import { repr, toNumber, toStr, truthy } from "./values.js";

/** Python's `str.splitlines()` for \n, \r\n and \r. */
export function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split(/\r\n|\r|\n/);
  if (/(\r\n|\r|\n)$/.test(text)) lines.pop();
  return lines;
}

function stripChars(text: string, chars: string | undefined, side: "both" | "left" | "right"): string {
  const set = chars === undefined ? undefined : new Set(Array.from(chars));
  const strip = (c: string): boolean => (set ? set.has(c) : /\s/.test(c));
  const items = Array.from(text);
  let start = 0;
  let end = items.length;
  if (side !== "right") while (start < end && strip(items[start] as string)) start++;
  if (side !== "left") while (end > start && strip(items[end - 1] as string)) end--;
  return items.slice(start, end).join("");
}

export function pyStrip(text: string, chars: unknown, side: "both" | "left" | "right" = "both"): string {
  return stripChars(text, asOptionalString(chars, "chars"), side);
}

function capitalize(text: string): string {
  const [first = "", ...rest] = Array.from(text);
  return first.toUpperCase() + rest.join("").toLowerCase();
}

/** Jinja2's `title`: every word start upper-cased, the rest lower-cased. */
export function title(text: string): string {
  return text
    .split(/([-\s({[<]+)/)
    .filter((part) => part !== "")
    .map(capitalize)
    .join("");
}

/** Python `str.replace` with an optional count. */
export function pyReplace(text: string, old: string, replacement: string, count: number | undefined): string {
  const occurrences = old === "" ? text.length + 1 : text.split(old).length - 1;
  checkLength(
    text.length + Math.min(occurrences, count === undefined || count < 0 ? occurrences : count) * Math.max(0, replacement.length - old.length),
    "replace()",
  );
  if (count === undefined || count < 0) return text.split(old).join(replacement);
  const parts = text.split(old);
  if (parts.length - 1 <= count) return parts.join(replacement);
  return parts.slice(0, count + 1).join(replacement) + old + parts.slice(count + 1).join(old);
}

/** Python's `round()`: halves go to the even neighbour. */
export function pyRound(value: number, digits: number): number {
  if (!Number.isFinite(value)) return value;
  if (digits >= 0) return Number(pyToFixed(value, Math.min(digits, 100)));
  const factor = 10 ** -digits;
  return Number(pyToFixed(value / factor, 0)) * factor;
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;" };

export function htmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

function toInt(value: unknown, fallback: unknown, base: number): unknown {
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "number") return Number.isFinite(value) ? Math.trunc(value) : fallback;
  if (typeof value === "string") {
    const text = value.trim().replace(/_/g, "");
    const digits =
      base === 16 ? text.replace(/^([-+]?)0x/i, "$1") : base === 8 ? text.replace(/^([-+]?)0o/i, "$1") : base === 2 ? text.replace(/^([-+]?)0b/i, "$1") : text;
    const pattern = new RegExp(`^[-+]?[${"0123456789abcdefghijklmnopqrstuvwxyz".slice(0, base)}]+$`, "i");
    if (pattern.test(digits)) return Number.parseInt(digits, base);
    const asFloat = toFloat(value, undefined);
    return typeof asFloat === "number" && Number.isFinite(asFloat) ? Math.trunc(asFloat) : fallback;
  }
  return fallback;
}

function toFloat(value: unknown, fallback: unknown): unknown {
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "number") return value;
  if (typeof value === "string") {
    const text = value.trim().toLowerCase().replace(/_/g, "");
    if (/^[-+]?(inf|infinity)$/.test(text)) return text.startsWith("-") ? -Infinity : Infinity;
    if (/^[-+]?nan$/.test(text)) return Number.NaN;
    if (/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/.test(text)) return Number(text);
  }
  return fallback;
}

function center(text: string, width: number): string {
  checkLength(width, "center()");
  const size = Array.from(text).length;
  const margin = width - size;
  if (margin <= 0) return text;
  const left = Math.floor(margin / 2) + (margin & width & 1);
  return " ".repeat(left) + text + " ".repeat(margin - left);
}

/** Jinja2 3.x `indent`: every line but the first (unless `first`), blank lines only with `blank`. */
function indent(text: string, width: unknown, first: unknown, blank: unknown): string {
  const size = typeof width === "string" ? width.length : asInt(width, "width");
  checkLength(size * (text.split("\n").length + 1), "indent()");
  const unit = typeof width === "string" ? width : " ".repeat(size);
  const lines = splitLines(`${text}\n`);
  let out: string;
  if (truthy(blank)) {
    out = lines.join(`\n${unit}`);
  } else {
    const [head = "", ...rest] = lines;
    out = head + (rest.length > 0 ? `\n${rest.map((line) => (line ? unit + line : line)).join("\n")}` : "");
  }
  return truthy(first) ? unit + out : out;
}

function truncate(text: string, size: number, killwords: boolean, end: string, leeway: number): string {
  const chars = Array.from(text);
  if (size < end.length) throw new TemplateValueError(`truncate(): length (${size}) must be at least the length of end (${end.length})`);
  if (chars.length <= size + leeway) return text;
  const cut = chars.slice(0, size - end.length).join("");
  if (killwords) return cut + end;
  const space = cut.lastIndexOf(" ");
  return (space === -1 ? cut : cut.slice(0, space)) + end;
}

const str = (value: unknown): string => toStr(value);

/** String and number filters, Jinja2's names and signatures. */
export const TEXT_FILTERS: Record<string, FilterFn> = {
  upper: withParams("upper", {}, (v) => str(v).toUpperCase()),
  lower: withParams("lower", {}, (v) => str(v).toLowerCase()),
  title: withParams("title", {}, (v) => title(str(v))),
  capitalize: withParams("capitalize", {}, (v) => capitalize(str(v))),
  trim: withParams("trim", { chars: null }, (v, p) => pyStrip(str(v), p.chars)),
  replace: withParams("replace", { old: REQUIRED, new: REQUIRED, count: null }, (v, p) =>
    pyReplace(str(v), str(p.old), str(p.new), p.count === null ? undefined : asInt(p.count, "count")),
  ),
  string: withParams("string", {}, (v) => str(v)),
  safe: withParams("safe", {}, (v) => v),
  escape: withParams("escape", {}, (v) => htmlEscape(str(v))),
  indent: withParams("indent", { width: 4, first: false, blank: false }, (v, p) => indent(str(v), p.width, p.first, p.blank)),
  wordcount: withParams("wordcount", {}, (v) => (str(v).match(/[\p{L}\p{N}_]+/gu) ?? []).length),
  truncate: withParams("truncate", { length: 255, killwords: false, end: "...", leeway: null }, (v, p) =>
    truncate(str(v), asInt(p.length, "length"), truthy(p.killwords), asString(p.end, "end"), p.leeway === null ? 5 : asInt(p.leeway, "leeway")),
  ),
  center: withParams("center", { width: 80 }, (v, p) => center(str(v), asInt(p.width, "width"))),
  striptags: withParams("striptags", {}, (v) =>
    str(v)
      .replace(/<!--[\s\S]*?-->|<[^>]*>/g, "")
      .split(/\s+/)
      .filter(Boolean)
      .join(" "),
  ),
  format: (v, call) => {
    if (call.args.length > 0 && Object.keys(call.kwargs).length > 0)
      throw new TemplateValueError("format() takes either positional or keyword arguments, not both");
    return percentFormat(str(v), Object.keys(call.kwargs).length > 0 ? call.kwargs : call.args);
  },
  int: withParams("int", { default: 0, base: 10 }, (v, p) => toInt(v, p.default, asInt(p.base, "base"))),
  float: withParams("float", { default: 0 }, (v, p) => toFloat(v, p.default)),
  round: withParams("round", { precision: 0, method: "common" }, (v, p) => {
    const n = toNumber(v, "round");
    const digits = asInt(p.precision, "precision");
    if (p.method === "common") return pyRound(n, digits);
    if (p.method === "ceil") return Math.ceil(n * 10 ** digits) / 10 ** digits;
    if (p.method === "floor") return Math.floor(n * 10 ** digits) / 10 ** digits;
    throw new TemplateValueError("round(): method must be 'common', 'ceil' or 'floor'");
  }),
  abs: withParams("abs", {}, (v) => Math.abs(toNumber(v, "abs"))),
  tojson: withParams("tojson", { indent: null }, (v, p) =>
    jsonDumps(v, {
      indent: p.indent === null ? undefined : typeof p.indent === "string" ? p.indent : asInt(p.indent, "indent"),
      sortKeys: true,
      htmlSafe: true,
    }),
  ),
  pprint: withParams("pprint", {}, (v) => repr(v)),
};
