import { testName } from "./analyze.js";
import type { BinaryNode, CallNode, ForNode, ListNode, MacroNode, SetNode, TemplateNode } from "./ast.js";
import type { CallArgs } from "./call-args.js";
import { applyFilter } from "./filters.js";
import { callMethod } from "./methods.js";
import { CONSTANTS, TEMPLATE_GLOBALS } from "./template-globals.js";
import { TemplateError, TemplateValueError, locationOf } from "./template-error.js";
import { loopObject } from "./loop-object.js";
import { spendOutput, spendSteps, TemplateBudgetError, withRenderBudget } from "./render-budget.js";
import { arithmetic, compareOp } from "./operators.js";
import { applyTest } from "./template-tests.js";
import { Namespace, TemplateCallable, Undefined, contains, getItem, iterate, slice, toNumber, toStr, truthy, typeName } from "./values.js";

const NOT_FOUND: unique symbol = Symbol("not found");
/** Macros calling macros deeper than this are treated as runaway recursion. */
const MAX_CALL_DEPTH = 64;

/** A variable scope: `for` bodies and macro calls get their own, as in Jinja2. */
class Frame {
  private readonly vars = new Map<string, unknown>();
  constructor(readonly parent: Frame | undefined) {}

  lookup(name: string): unknown {
    for (let frame: Frame | undefined = this; frame; frame = frame.parent) {
      if (frame.vars.has(name)) return frame.vars.get(name);
    }
    return NOT_FOUND;
  }

  set(name: string, value: unknown): void {
    this.vars.set(name, value);
  }
}

/**
 * Renders a parsed template by walking its AST: no code is generated, so it runs where
 * `eval`/`new Function` are forbidden (Cloudflare Workers).
 */
export class Interpreter {
  private depth = 0;

  constructor(private readonly context: Readonly<Record<string, unknown>>) {}

  render(root: ListNode): string {
    return withRenderBudget(() => this.renderToString(root, new Frame(undefined)));
  }

  private renderNode(node: TemplateNode, frame: Frame, out: string[]): void {
    try {
      spendSteps();
      this.renderStatement(node, frame, out);
    } catch (error) {
      throw located(error, node);
    }
  }

  private renderStatement(node: TemplateNode, frame: Frame, out: string[]): void {
    switch (node.typename) {
      case "Root":
      case "NodeList":
        for (const child of node.children) this.renderNode(child, frame, out);
        return;
      case "Output":
        for (const child of node.children) {
          const text = child.typename === "TemplateData" ? child.value : toStr(this.evaluate(child, frame));
          spendOutput(text.length);
          out.push(text);
        }
        return;
      case "If": {
        const branch = truthy(this.evaluate(node.cond, frame)) ? node.body : node.else_;
        if (branch) this.renderNode(branch, frame, out);
        return;
      }
      case "For":
        this.renderFor(node, frame, out);
        return;
      case "Set":
        this.renderSet(node, frame);
        return;
      case "Macro":
        frame.set(node.name.value, this.defineMacro(node, frame));
        return;
      default:
        throw new TemplateError("unsupported", `'${node.typename}' cannot be rendered here`, locationOf(node));
    }
  }

  private renderToString(node: TemplateNode, frame: Frame): string {
    const out: string[] = [];
    this.renderNode(node, frame, out);
    return out.join("");
  }

  private renderFor(node: ForNode, frame: Frame, out: string[]): void {
    const scope = new Frame(frame);
    const bind = (item: unknown): void => this.bindLoopTarget(node.name, item, scope);
    let items: unknown[];
    // Jinja2's `for x in items if cond` reaches us as an inline if without else.
    if (node.arr.typename === "InlineIf" && node.arr.else_ === null) {
      const condition = node.arr.cond;
      items = iterate(this.evaluate(node.arr.body, frame)).filter((item) => {
        bind(item);
        return truthy(this.evaluate(condition, scope));
      });
    } else {
      items = iterate(this.evaluate(node.arr, frame));
    }
    if (items.length === 0) {
      if (node.else_) this.renderNode(node.else_, frame, out);
      return;
    }
    const count = items.length;
    items.forEach((item, index) => {
      bind(item);
      scope.set("loop", loopObject(items, index, count));
      this.renderNode(node.body, scope, out);
    });
  }

  private bindLoopTarget(target: TemplateNode, item: unknown, scope: Frame): void {
    if (target.typename === "Symbol") {
      scope.set(target.value, item);
      return;
    }
    if (target.typename !== "Array") throw new TemplateValueError("a for loop target must be a name or names separated by commas");
    const values = iterate(item);
    if (values.length !== target.children.length) {
      throw new TemplateValueError(
        values.length > target.children.length
          ? `too many values to unpack (expected ${target.children.length})`
          : `not enough values to unpack (expected ${target.children.length}, got ${values.length})`,
      );
    }
    target.children.forEach((child, i) => this.bindLoopTarget(child, values[i], scope));
  }

  private renderSet(node: SetNode, frame: Frame): void {
    const value = node.value !== null ? this.evaluate(node.value, frame) : node.body ? this.evaluate(node.body, frame) : new Undefined("empty set");
    if (node.targets.length === 1) {
      this.assign(node.targets[0] as TemplateNode, value, frame);
      return;
    }
    const values = iterate(value);
    if (values.length !== node.targets.length) throw new TemplateValueError(`cannot unpack ${values.length} values into ${node.targets.length} names`);
    node.targets.forEach((target, i) => this.assign(target, values[i], frame));
  }

  private assign(target: TemplateNode, value: unknown, frame: Frame): void {
    if (target.typename === "Symbol") {
      frame.set(target.value, value);
      return;
    }
    if (target.typename === "LookupVal" && target.val.typename === "Literal" && typeof target.val.value === "string") {
      const owner = this.evaluate(target.target, frame);
      if (owner instanceof Namespace) {
        owner.attrs[target.val.value] = value;
        return;
      }
      throw new TemplateValueError(`cannot assign attribute on a ${typeName(owner)} (only namespace() objects can be assigned to)`);
    }
    throw new TemplateValueError("can only set a name or a namespace attribute");
  }

  private defineMacro(node: MacroNode, frame: Frame): TemplateCallable {
    const params: Array<[string, TemplateNode | undefined]> = [];
    for (const arg of node.args.children) {
      if (arg.typename === "Symbol") params.push([arg.value, undefined]);
      else if (arg.typename === "KeywordArgs") {
        for (const pair of arg.children) {
          if (pair.typename === "Pair" && pair.key.typename === "Symbol") params.push([pair.key.value, pair.value]);
        }
      }
    }
    const name = node.name.value;
    return new TemplateCallable(name, (args, kwargs) => {
      if (this.depth >= MAX_CALL_DEPTH) throw new TemplateValueError(`macro '${name}' recursed deeper than ${MAX_CALL_DEPTH} calls`);
      const scope = new Frame(frame);
      params.forEach(([param, fallback], i) => {
        const value =
          i < args.length
            ? args[i]
            : Object.hasOwn(kwargs, param)
              ? kwargs[param]
              : fallback
                ? this.evaluate(fallback, frame)
                : new Undefined(`'${param}' is undefined`);
        scope.set(param, value);
      });
      scope.set("varargs", args.slice(params.length));
      scope.set("kwargs", Object.fromEntries(Object.entries(kwargs).filter(([key]) => !params.some(([param]) => param === key))));
      this.depth++;
      try {
        return this.renderToString(node.body, scope);
      } finally {
        this.depth--;
      }
    });
  }

  /** Evaluates an expression node to a value. */
  evaluate(node: TemplateNode, frame: Frame): unknown {
    try {
      spendSteps();
      return this.evaluateNode(node, frame);
    } catch (error) {
      throw located(error, node);
    }
  }

  private evaluateNode(node: TemplateNode, frame: Frame): unknown {
    switch (node.typename) {
      case "Literal":
      case "TemplateData":
        return node.value;
      case "Symbol":
        return this.lookup(node.value, frame);
      case "Group":
        return node.children.length === 1 ? this.evaluate(node.children[0] as TemplateNode, frame) : node.children.map((c) => this.evaluate(c, frame));
      case "Array":
        return node.children.map((c) => this.evaluate(c, frame));
      case "Dict": {
        const out: Record<string, unknown> = {};
        for (const pair of node.children) {
          if (pair.typename !== "Pair") continue;
          const key = this.evaluate(pair.key, frame);
          out[typeof key === "string" ? key : toStr(key)] = this.evaluate(pair.value, frame);
        }
        return out;
      }
      case "LookupVal": {
        const target = this.evaluate(node.target, frame);
        if (node.val.typename === "Slice") {
          const part = (n: TemplateNode | null): unknown => (n ? this.evaluate(n, frame) : null);
          return slice(target, part(node.val.start), part(node.val.stop), part(node.val.step));
        }
        return getItem(target, this.evaluate(node.val, frame));
      }
      case "InlineIf":
        if (truthy(this.evaluate(node.cond, frame))) return this.evaluate(node.body, frame);
        return node.else_ ? this.evaluate(node.else_, frame) : new Undefined("the inline if has no else branch");
      case "Not":
        return !truthy(this.evaluate(node.target, frame));
      case "Neg":
        return -toNumber(this.evaluate(node.target, frame), "unary -");
      case "Pos":
        return toNumber(this.evaluate(node.target, frame), "unary +");
      case "And": {
        const left = this.evaluate(node.left, frame);
        return truthy(left) ? this.evaluate(node.right, frame) : left;
      }
      case "Or": {
        const left = this.evaluate(node.left, frame);
        return truthy(left) ? left : this.evaluate(node.right, frame);
      }
      case "Compare": {
        let left = this.evaluate(node.expr, frame);
        for (const op of node.ops) {
          const right = this.evaluate(op.expr, frame);
          if (!compareOp(op.type, left, right)) return false;
          left = right;
        }
        return true;
      }
      case "In":
        return contains(this.evaluate(node.right, frame), this.evaluate(node.left, frame));
      case "Is":
        return this.evaluateIs(node, frame);
      case "Add":
      case "Sub":
      case "Mul":
      case "Div":
      case "FloorDiv":
      case "Mod":
      case "Pow":
      case "Concat":
        return arithmetic(node.typename, this.evaluate(node.left, frame), this.evaluate(node.right, frame));
      case "Filter":
        return this.evaluateFilter(node, frame);
      case "FunCall":
        return this.evaluateCall(node, frame);
      case "Capture":
        return this.renderToString(node.body, frame);
      default:
        throw new TemplateError("unsupported", `'${node.typename}' is not an expression`, locationOf(node));
    }
  }

  private lookup(name: string, frame: Frame): unknown {
    if (Object.hasOwn(CONSTANTS, name)) return CONSTANTS[name];
    const local = frame.lookup(name);
    if (local !== NOT_FOUND) return local;
    if (Object.hasOwn(this.context, name)) {
      const value = this.context[name];
      return value === undefined ? new Undefined(`'${name}' is undefined`) : value;
    }
    if (Object.hasOwn(TEMPLATE_GLOBALS, name)) return TEMPLATE_GLOBALS[name];
    return new Undefined(`'${name}' is undefined`);
  }

  private callArgs(list: ListNode, frame: Frame, skip = 0): CallArgs {
    const args: unknown[] = [];
    const kwargs: Record<string, unknown> = {};
    list.children.slice(skip).forEach((child) => {
      if (child.typename !== "KeywordArgs") {
        args.push(this.evaluate(child, frame));
        return;
      }
      for (const pair of child.children) {
        if (pair.typename !== "Pair" || pair.key.typename !== "Symbol") throw new TemplateValueError("keyword argument names must be plain names");
        kwargs[pair.key.value] = this.evaluate(pair.value, frame);
      }
    });
    return { args, kwargs };
  }

  private evaluateFilter(node: CallNode, frame: Frame): unknown {
    const name = node.name.typename === "Symbol" ? node.name.value : "";
    const [target] = node.args.children;
    const value = target ? this.evaluate(target, frame) : new Undefined("no filter input");
    return applyFilter(name, value, this.callArgs(node.args, frame, 1));
  }

  private evaluateIs(node: BinaryNode, frame: Frame): boolean {
    const value = this.evaluate(node.left, frame);
    const name = testName(node.right);
    if (name === undefined) throw new TemplateValueError("expected a test name after 'is'");
    return applyTest(name, value, node.right.typename === "FunCall" ? this.callArgs(node.right.args, frame) : { args: [], kwargs: {} });
  }

  private evaluateCall(node: CallNode, frame: Frame): unknown {
    const callee = node.name;
    if (callee.typename === "LookupVal" && callee.val.typename === "Literal" && typeof callee.val.value === "string") {
      const target = this.evaluate(callee.target, frame);
      if (target instanceof Undefined) throw new TemplateValueError(target.hint);
      const call = this.callArgs(node.args, frame);
      const method = callMethod(target, callee.val.value, call);
      if (method) return method.value;
      return invoke(getItem(target, callee.val.value), call, `${typeName(target)}.${callee.val.value}`);
    }
    const fn = this.evaluate(callee, frame);
    return invoke(fn, this.callArgs(node.args, frame), callee.typename === "Symbol" ? callee.value : "expression");
  }
}

function invoke(fn: unknown, call: CallArgs, label: string): unknown {
  if (fn instanceof TemplateCallable) return fn.call(call.args, call.kwargs);
  if (typeof fn === "function") {
    const args = Object.keys(call.kwargs).length > 0 ? [...call.args, call.kwargs] : call.args;
    return (fn as (...a: unknown[]) => unknown)(...args);
  }
  if (fn instanceof Undefined) throw new TemplateValueError(`${fn.hint}, so '${label}' cannot be called`);
  throw new TemplateValueError(`'${typeName(fn)}' object is not callable (${label})`);
}

/** Gives a value-level failure the line of the node it happened at. */
function located(error: unknown, node: TemplateNode): unknown {
  if (error instanceof TemplateError) return error;
  if (error instanceof TemplateBudgetError) return new TemplateError("budget", error.message, locationOf(node));
  if (error instanceof TemplateValueError) return new TemplateError("render", error.message, locationOf(node));
  if (error instanceof RangeError) return new TemplateError("render", `template too deeply nested: ${error.message}`, locationOf(node));
  // Anything else (a function from the context that threw) still gets the template line.
  return new TemplateError("render", error instanceof Error ? error.message : String(error), locationOf(node));
}
