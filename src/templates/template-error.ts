import { DistilflareError } from "../errors.js";

/** Where a template problem is: 1-based line and column. */
export interface TemplateLocation {
  line: number | undefined;
  column: number | undefined;
}

/** `budget`: one render went over its output or step budget (render-budget.ts); only that row fails. */
export type TemplateErrorKind = "syntax" | "unsupported" | "render" | "budget";

/**
 * A problem with a prompt template (syntax, unsupported Jinja2 feature, or a value the template
 * cannot handle). Templates are options of tasks, so the code is `invalid_option`.
 */
export class TemplateError extends DistilflareError {
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly kind: TemplateErrorKind;

  constructor(kind: TemplateErrorKind, message: string, location: TemplateLocation) {
    const where = location.line === undefined ? "" : ` at line ${location.line}${location.column === undefined ? "" : `, column ${location.column}`}`;
    const label = {
      syntax: "Template syntax error",
      unsupported: "Unsupported template feature",
      render: "Template render error",
      budget: "Template over budget",
    }[kind];
    super("invalid_option", `${label}${where}: ${message}`, { field: "template", kind, line: location.line, column: location.column });
    this.name = "TemplateError";
    this.line = location.line;
    this.column = location.column;
    this.kind = kind;
  }
}

/**
 * A value-level failure raised by filters, tests and operators, which know no line numbers.
 * The interpreter turns it into a located `TemplateError`.
 */
export class TemplateValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TemplateValueError";
  }
}

/** The node's 1-based location (nunjucks counts from 0). */
export function locationOf(node: { lineno: number; colno: number } | undefined): TemplateLocation {
  if (!node || typeof node.lineno !== "number") return { line: undefined, column: undefined };
  return { line: node.lineno + 1, column: node.colno + 1 };
}
