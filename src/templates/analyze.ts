import { childNodes, type ListNode, type TemplateNode } from "./ast.js";
import { FILTER_NAMES, hasFilter } from "./filters.js";
import { CONSTANTS, TEMPLATE_GLOBALS } from "./template-globals.js";
import { TemplateError, locationOf } from "./template-error.js";
import { TEST_NAMES, hasTest } from "./template-tests.js";

const UNSUPPORTED: Record<string, string> = {
  Include: "'{% include %}' is not supported: a template is one string with no loader on Workers; inline the included text",
  Extends: "'{% extends %}' is not supported: a template is one string with no loader on Workers; inline the parent template",
  Block: "'{% block %}' is not supported (template inheritance needs a loader); remove the block tags",
  Super: "'super()' is not supported (template inheritance needs a loader)",
  Import: "'{% import %}' is not supported: define the macros in the same template",
  FromImport: "'{% from ... import %}' is not supported: define the macros in the same template",
  Caller: "'{% call %}' blocks are not supported; call the macro directly",
  Switch: "'{% switch %}' is nunjucks syntax, not Jinja2; use if/elif/else",
  Case: "'{% case %}' is nunjucks syntax, not Jinja2; use if/elif/else",
  IfAsync: "'{% ifAsync %}' is nunjucks syntax, not Jinja2",
  AsyncEach: "'{% asyncEach %}' is nunjucks syntax, not Jinja2",
  AsyncAll: "'{% asyncAll %}' is nunjucks syntax, not Jinja2",
  FilterAsync: "async filters are nunjucks syntax, not Jinja2",
  CallExtension: "extension tags are not supported",
  CallExtensionAsync: "extension tags are not supported",
  TemplateRef: "template references are not supported",
};

/** The node types the interpreter renders or evaluates (ast.ts); nunjucks may build others. */
const KNOWN = new Set(
  [
    "Root NodeList Group Array Dict Output KeywordArgs Literal Symbol TemplateData Pair LookupVal Slice",
    "If InlineIf For Macro FunCall Filter Set Capture Not Neg Pos Compare CompareOperand",
    "In Is Or And Add Concat Sub Mul Div FloorDiv Mod Pow",
  ].flatMap((line) => line.split(" ")),
);

/**
 * Rejects, before any rendering, what the interpreter cannot do: nunjucks-only or loader-based
 * tags, unknown filters and tests, regex literals. The error names the line.
 */
export function validateAst(root: ListNode): void {
  const visit = (node: TemplateNode): void => {
    const reason = UNSUPPORTED[node.typename];
    if (reason !== undefined) throw new TemplateError("unsupported", reason, locationOf(node));
    if (!KNOWN.has(node.typename)) throw new TemplateError("unsupported", `'${node.typename}' is not supported`, locationOf(node));
    if (node.typename === "Literal" && node.value instanceof RegExp) {
      throw new TemplateError("unsupported", "regex literals (r/.../) are nunjucks syntax, not Jinja2", locationOf(node));
    }
    if (node.typename === "Filter" && node.name.typename === "Symbol" && !hasFilter(node.name.value)) {
      throw new TemplateError("syntax", `no filter named '${node.name.value}'; known filters: ${FILTER_NAMES.join(", ")}`, locationOf(node));
    }
    if (node.typename === "Is") {
      const name = testName(node.right);
      if (name === undefined) throw new TemplateError("syntax", "expected a test name after 'is'", locationOf(node));
      if (!hasTest(name)) throw new TemplateError("syntax", `no test named '${name}'; known tests: ${TEST_NAMES.join(", ")}`, locationOf(node));
    }
    for (const child of childNodes(node)) visit(child);
  };
  visit(root);
}

/** The test an `is` names (`x is none`, `x is divisibleby(3)`); undefined when it names none. */
export function testName(node: TemplateNode): string | undefined {
  if (node.typename === "Symbol") return node.value.toLowerCase() === "none" ? "none" : node.value;
  if (node.typename === "Literal") return node.value === null ? "none" : typeof node.value === "boolean" ? String(node.value) : undefined;
  if (node.typename === "FunCall" && node.name.typename === "Symbol") return node.name.value;
  return undefined;
}

/**
 * The variables a template reads from its context, in order of first use (Jinja2's
 * `meta.find_undeclared_variables`): names it sets, loops over or declares as macro
 * parameters are left out, and so are constants and globals such as `range`.
 */
export function collectVariables(root: ListNode): string[] {
  const found = new Set<string>();
  const visitAll = (nodes: Array<TemplateNode | null | undefined>, scope: Set<string>): void => {
    for (const node of nodes) if (node) visit(node, scope);
  };
  const declare = (target: TemplateNode, scope: Set<string>): void => {
    if (target.typename === "Symbol") scope.add(target.value);
    else if (target.typename === "Array") for (const child of target.children) declare(child, scope);
  };
  const visit = (node: TemplateNode, scope: Set<string>): void => {
    switch (node.typename) {
      case "Symbol":
        if (!scope.has(node.value) && !Object.hasOwn(CONSTANTS, node.value) && !Object.hasOwn(TEMPLATE_GLOBALS, node.value)) found.add(node.value);
        return;
      case "Set":
        visitAll([node.value, node.body], scope);
        for (const target of node.targets) {
          if (target.typename === "LookupVal") visit(target.target, scope);
          else declare(target, scope);
        }
        return;
      case "For": {
        const inner = new Set(scope);
        declare(node.name, inner);
        inner.add("loop");
        if (node.arr.typename === "InlineIf" && node.arr.else_ === null) {
          visit(node.arr.body, scope);
          visit(node.arr.cond, inner);
        } else {
          visit(node.arr, scope);
        }
        visit(node.body, inner);
        visitAll([node.else_], scope);
        return;
      }
      case "Macro": {
        scope.add(node.name.value);
        const inner = new Set([...scope, "varargs", "kwargs"]);
        for (const arg of node.args.children) {
          if (arg.typename === "Symbol") inner.add(arg.value);
          if (arg.typename === "KeywordArgs") {
            for (const pair of arg.children) {
              if (pair.typename !== "Pair") continue;
              visit(pair.value, scope);
              declare(pair.key, inner);
            }
          }
        }
        visit(node.body, inner);
        return;
      }
      case "Filter":
        visit(node.args, scope);
        return;
      case "KeywordArgs":
        for (const pair of node.children) if (pair.typename === "Pair") visit(pair.value, scope);
        return;
      case "Is":
        visit(node.left, scope);
        if (node.right.typename === "FunCall") visit(node.right.args, scope);
        return;
      default:
        visitAll(childNodes(node), scope);
    }
  };
  visit(root, new Set());
  return [...found];
}
