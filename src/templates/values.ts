import { TemplateValueError } from "./template-error.js";

/**
 * Jinja2's `Undefined`: what a missing variable or attribute evaluates to. It renders as an
 * empty string, is falsy and iterates as empty; `hint` says what was missing, for errors.
 */
export class Undefined {
  constructor(readonly hint: string) {}
}

/** Jinja2's `namespace(...)`: the one object whose attributes `{% set ns.x = ... %}` may assign. */
export class Namespace {
  readonly attrs: Record<string, unknown>;
  constructor(attrs: Record<string, unknown>) {
    this.attrs = Object.assign(Object.create(null) as Record<string, unknown>, attrs);
  }
}

/** A callable made by the template engine (globals, macros, `loop.cycle`), called with Python-style arguments. */
export class TemplateCallable {
  constructor(
    readonly name: string,
    readonly call: (args: unknown[], kwargs: Record<string, unknown>) => unknown,
  ) {}
}

export function isUndefined(value: unknown): value is Undefined {
  return value instanceof Undefined || value === undefined;
}

/** A JSON-like object (a row, a dict literal): not an array, not one of the engine's classes. */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Undefined) &&
    !(value instanceof Namespace) &&
    !(value instanceof TemplateCallable) &&
    !(value instanceof RegExp)
  );
}

/** Python's type names, for error messages that match what Jinja2 users know. */
export function typeName(value: unknown): string {
  if (isUndefined(value)) return "Undefined";
  if (value === null) return "NoneType";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float";
  if (typeof value === "string") return "str";
  if (Array.isArray(value)) return "list";
  if (value instanceof Namespace) return "Namespace";
  if (value instanceof TemplateCallable || typeof value === "function") return "function";
  return "dict";
}

/** Python truthiness. */
export function truthy(value: unknown): boolean {
  if (isUndefined(value) || value === null || value === false) return false;
  if (typeof value === "number") return value !== 0 && !Number.isNaN(value);
  if (typeof value === "string" || Array.isArray(value)) return value.length > 0;
  if (isMapping(value)) return Object.keys(value).length > 0;
  return true;
}

function numberToString(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (value === Infinity) return "inf";
  if (value === -Infinity) return "-inf";
  return String(value);
}

/** Python's `str()`, what `{{ value }}` prints: None, True, lists and dicts as Python shows them. */
export function toStr(value: unknown): string {
  if (isUndefined(value)) return "";
  if (typeof value === "string") return value;
  return repr(value);
}

/** Python's `repr()` of a JSON-like value. */
export function repr(value: unknown): string {
  if (isUndefined(value)) return "Undefined";
  if (value === null) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "number") return numberToString(value);
  if (typeof value === "string") return reprString(value);
  if (Array.isArray(value)) return `[${value.map(repr).join(", ")}]`;
  if (value instanceof Namespace) return `<Namespace ${repr(value.attrs)}>`;
  if (value instanceof TemplateCallable) return `<function ${value.name}>`;
  if (typeof value === "function") return "<function>";
  if (isMapping(value))
    return `{${Object.entries(value)
      .map(([k, v]) => `${reprString(k)}: ${repr(v)}`)
      .join(", ")}}`;
  return String(value);
}

const REPR_ESCAPES: Readonly<Record<string, string>> = { "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" };

function reprString(value: string): string {
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
  let out = quote;
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (char === quote) out += `\\${quote}`;
    else out += REPR_ESCAPES[char] ?? (code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, "0")}` : char);
  }
  return out + quote;
}

/** Python `==` on JSON-like values (True == 1, deep on lists and dicts). */
export function equals(a: unknown, b: unknown): boolean {
  if (isUndefined(a) || isUndefined(b)) return isUndefined(a) && isUndefined(b);
  if ((typeof a === "number" || typeof a === "boolean") && (typeof b === "number" || typeof b === "boolean")) return Number(a) === Number(b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => equals(item, b[i]));
  if (isMapping(a) && isMapping(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && equals(a[k], b[k]));
  }
  return a === b;
}

/** Python ordering (`<`): numbers, strings and lists; other pairs are a TypeError as in Python. */
export function compare(a: unknown, b: unknown): number {
  const numeric = (v: unknown): v is number | boolean => typeof v === "number" || typeof v === "boolean";
  if (numeric(a) && numeric(b)) return Number(a) - Number(b);
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = compare(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  throw new TemplateValueError(`'<' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
}

/** The items a `for` loop or a sequence filter walks: list items, string characters, dict keys. */
export function iterate(value: unknown): unknown[] {
  if (isUndefined(value)) return [];
  if (Array.isArray(value)) return value;
  if (typeof value === "string") return Array.from(value);
  if (isMapping(value)) return Object.keys(value);
  throw new TemplateValueError(`'${typeName(value)}' object is not iterable`);
}

/** Python `len()`. */
export function length(value: unknown): number {
  if (isUndefined(value)) return 0;
  if (typeof value === "string") return Array.from(value).length;
  if (Array.isArray(value)) return value.length;
  if (isMapping(value)) return Object.keys(value).length;
  throw new TemplateValueError(`object of type '${typeName(value)}' has no len()`);
}

/**
 * `a.b` and `a[b]` (Jinja2's getattr/getitem on data): own properties only, so nothing on an
 * object's prototype is reachable from a template. Missing things are `Undefined`.
 */
export function getItem(target: unknown, key: unknown): unknown {
  // A chain on something missing stays missing and keeps naming the first missing part.
  if (target instanceof Undefined) return target;
  const missing = (): Undefined => new Undefined(`'${typeName(target)} object' has no attribute ${repr(key)}`);
  if (target instanceof Namespace) {
    return typeof key === "string" && Object.hasOwn(target.attrs, key) ? orUndefined(target.attrs[key], missing) : missing();
  }
  if (Array.isArray(target) || typeof target === "string") {
    if (typeof key !== "number" || !Number.isInteger(key)) return missing();
    const items = typeof target === "string" ? Array.from(target) : target;
    const index = key < 0 ? items.length + key : key;
    return index >= 0 && index < items.length ? orUndefined(items[index], missing) : missing();
  }
  if (isMapping(target)) {
    const name = typeof key === "string" ? key : typeof key === "number" ? String(key) : undefined;
    return name !== undefined && Object.hasOwn(target, name) ? orUndefined(target[name], missing) : missing();
  }
  return missing();
}

function orUndefined(value: unknown, missing: () => Undefined): unknown {
  return value === undefined ? missing() : value;
}

/** Python slicing of lists and strings (`start:stop:step`, negatives and reverse steps). */
export function slice(target: unknown, start: unknown, stop: unknown, step: unknown): unknown {
  if (isUndefined(target)) return target;
  if (!Array.isArray(target) && typeof target !== "string") throw new TemplateValueError(`'${typeName(target)}' object is not subscriptable`);
  const items = typeof target === "string" ? Array.from(target) : target;
  const optionalInt = (value: unknown, what: string): number | undefined => {
    if (isUndefined(value) || value === null) return undefined;
    if (typeof value !== "number" || !Number.isInteger(value)) throw new TemplateValueError(`slice ${what} must be an integer or None, got ${typeName(value)}`);
    return value;
  };
  const n = items.length;
  const by = optionalInt(step, "step") ?? 1;
  if (by === 0) throw new TemplateValueError("slice step cannot be zero");
  const clamp = (value: number | undefined, fallback: number, low: number, high: number): number => {
    if (value === undefined) return fallback;
    const v = value < 0 ? value + n : value;
    return Math.min(Math.max(v, low), high);
  };
  const picked: unknown[] = [];
  if (by > 0) {
    const from = clamp(optionalInt(start, "start"), 0, 0, n);
    const to = clamp(optionalInt(stop, "stop"), n, 0, n);
    for (let i = from; i < to; i += by) picked.push(items[i]);
  } else {
    const from = clamp(optionalInt(start, "start"), n - 1, -1, n - 1);
    const to = clamp(optionalInt(stop, "stop"), -1, -1, n - 1);
    for (let i = from; i > to; i += by) picked.push(items[i]);
  }
  return typeof target === "string" ? picked.join("") : picked;
}

/** Python `in`: substring, list membership, dict key. */
export function contains(container: unknown, item: unknown): boolean {
  if (isUndefined(container)) return false;
  if (typeof container === "string") {
    if (typeof item !== "string") throw new TemplateValueError(`'in <string>' requires string as left operand, not ${typeName(item)}`);
    return container.includes(item);
  }
  if (Array.isArray(container)) return container.some((element) => equals(element, item));
  if (isMapping(container)) return (typeof item === "string" || typeof item === "number") && Object.hasOwn(container, String(item));
  if (container instanceof Namespace) return typeof item === "string" && Object.hasOwn(container.attrs, item);
  throw new TemplateValueError(`argument of type '${typeName(container)}' is not iterable`);
}

/** A number for arithmetic; booleans count as 0/1 as in Python. */
export function toNumber(value: unknown, operation: string): number {
  if (typeof value === "number") return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value instanceof Undefined) throw new TemplateValueError(`${value.hint} (used in ${operation})`);
  throw new TemplateValueError(`unsupported operand type for ${operation}: '${typeName(value)}'`);
}

/** Python `+`: numbers add, strings and lists concatenate, anything else is a TypeError. */
export function add(a: unknown, b: unknown): unknown {
  if (typeof a === "string" && typeof b === "string") return a + b;
  if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
  if (typeof a === "string" || typeof b === "string" || Array.isArray(a) || Array.isArray(b)) {
    throw new TemplateValueError(`unsupported operand types for +: '${typeName(a)}' and '${typeName(b)}'`);
  }
  return toNumber(a, "+") + toNumber(b, "+");
}
