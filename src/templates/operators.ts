import type { BinaryNode } from "./ast.js";
import { percentFormat } from "./python-format.js";
import { checkLength } from "./render-budget.js";
import { TemplateValueError } from "./template-error.js";
import { add, compare, equals, toNumber, toStr } from "./values.js";

/** The comparison operators of a `Compare` node, with Python semantics. */
const COMPARISONS: Record<string, (left: unknown, right: unknown) => boolean> = {
  "==": equals,
  "===": equals,
  "!=": (left, right) => !equals(left, right),
  "!==": (left, right) => !equals(left, right),
  "<": (left, right) => compare(left, right) < 0,
  ">": (left, right) => compare(left, right) > 0,
  "<=": (left, right) => compare(left, right) <= 0,
  ">=": (left, right) => compare(left, right) >= 0,
};

export function compareOp(op: string, left: unknown, right: unknown): boolean {
  const comparison = Object.hasOwn(COMPARISONS, op) ? COMPARISONS[op] : undefined;
  if (!comparison) throw new TemplateValueError(`unknown comparison '${op}'`);
  return comparison(left, right);
}

function repeat(value: unknown, times: unknown): unknown {
  const n = Math.max(0, Math.trunc(toNumber(times, "*")));
  checkLength((value as string | unknown[]).length * n, "the repetition");
  if (typeof value === "string") return value.repeat(n);
  return Array.from({ length: n }, () => value as unknown[]).flat();
}

export function arithmetic(op: BinaryNode["typename"], left: unknown, right: unknown): unknown {
  const num = (v: unknown): number => toNumber(v, op);
  switch (op) {
    case "Add":
      if (typeof left === "string" || Array.isArray(left)) checkLength(left.length + ((right as string | unknown[] | undefined)?.length ?? 0), "the sum");
      return add(left, right);
    case "Concat": {
      const [a, b] = [toStr(left), toStr(right)];
      checkLength(a.length + b.length, "the concatenation");
      return a + b;
    }
    case "Sub":
      return num(left) - num(right);
    case "Mul":
      if (typeof left === "string" || Array.isArray(left)) return repeat(left, right);
      if (typeof right === "string" || Array.isArray(right)) return repeat(right, left);
      return num(left) * num(right);
    case "Div":
      if (num(right) === 0) throw new TemplateValueError("division by zero");
      return num(left) / num(right);
    case "FloorDiv":
      if (num(right) === 0) throw new TemplateValueError("integer division or modulo by zero");
      return Math.floor(num(left) / num(right));
    case "Mod":
      if (typeof left === "string") return percentFormat(left, right);
      if (num(right) === 0) throw new TemplateValueError("integer division or modulo by zero");
      return num(left) - num(right) * Math.floor(num(left) / num(right));
    case "Pow":
      return num(left) ** num(right);
    default:
      throw new TemplateValueError(`unknown operator '${op}'`);
  }
}
