import { REQUIRED, bindArgs, type CallArgs, type ParamSpec } from "./call-args.js";
import { TemplateValueError } from "./template-error.js";
import { Namespace, TemplateCallable, compare, contains, equals, isMapping, isUndefined, toNumber } from "./values.js";

type TestFn = (value: unknown, p: Record<string, unknown>) => boolean;

interface TestDef {
  params: ParamSpec;
  fn: TestFn;
}

const test = (fn: TestFn, params: ParamSpec = {}): TestDef => ({ params, fn });
const other: ParamSpec = { other: REQUIRED };

const isInteger = (v: unknown): boolean => typeof v === "number" && Number.isInteger(v);
const isString = (v: unknown): v is string => typeof v === "string";

/** Jinja2's `is` tests. */
const TESTS: Record<string, TestDef> = {
  defined: test((v) => !isUndefined(v)),
  undefined: test((v) => isUndefined(v)),
  none: test((v) => v === null),
  boolean: test((v) => typeof v === "boolean"),
  true: test((v) => v === true),
  false: test((v) => v === false),
  integer: test(isInteger),
  float: test((v) => typeof v === "number" && !Number.isInteger(v)),
  number: test((v) => typeof v === "number" || typeof v === "boolean"),
  string: test(isString),
  mapping: test((v) => isMapping(v)),
  sequence: test((v) => isString(v) || Array.isArray(v) || isMapping(v)),
  iterable: test((v) => isString(v) || Array.isArray(v) || isMapping(v)),
  callable: test((v) => v instanceof TemplateCallable || typeof v === "function"),
  even: test((v) => toNumber(v, "even") % 2 === 0),
  odd: test((v) => Math.abs(toNumber(v, "odd") % 2) === 1),
  divisibleby: test((v, p) => toNumber(v, "divisibleby") % toNumber(p.num, "divisibleby") === 0, { num: REQUIRED }),
  lower: test((v) => isString(v) && v === v.toLowerCase()),
  upper: test((v) => isString(v) && v === v.toUpperCase()),
  escaped: test(() => false),
  in: test((v, p) => contains(p.seq, v), { seq: REQUIRED }),
  sameas: test((v, p) => v === p.other || (v === null && p.other === null), other),
  eq: test((v, p) => equals(v, p.other), other),
  equalto: test((v, p) => equals(v, p.other), other),
  ne: test((v, p) => !equals(v, p.other), other),
  lt: test((v, p) => compare(v, p.other) < 0, other),
  lessthan: test((v, p) => compare(v, p.other) < 0, other),
  le: test((v, p) => compare(v, p.other) <= 0, other),
  gt: test((v, p) => compare(v, p.other) > 0, other),
  greaterthan: test((v, p) => compare(v, p.other) > 0, other),
  ge: test((v, p) => compare(v, p.other) >= 0, other),
  namespace: test((v) => v instanceof Namespace),
};

export const TEST_NAMES: readonly string[] = Object.keys(TESTS).sort();

export function hasTest(name: string): boolean {
  return Object.hasOwn(TESTS, name);
}

/** Runs the test `name` on `value` (`value is name(args)`). */
export function applyTest(name: string, value: unknown, call: CallArgs): boolean {
  const def = Object.hasOwn(TESTS, name) ? TESTS[name] : undefined;
  if (!def) throw new TemplateValueError(`no test named '${name}'`);
  return def.fn(value, bindArgs(name, def.params, call).values);
}
