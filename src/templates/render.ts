import { collectVariables, validateAst } from "./analyze.js";
import type { ListNode } from "./ast.js";
import { Interpreter } from "./interpreter.js";
import { parseTemplate } from "./parse-template.js";

/** A parsed and checked Jinja2 template, ready to render many rows. */
export interface CompiledTemplate {
  readonly source: string;
  /** Variables the template reads from its context, in order of first use. */
  readonly variables: readonly string[];
  /** Renders with `context` (undefined names render as ""); throws `TemplateError` on a bad value. */
  render(context: Readonly<Record<string, unknown>>): string;
}

/** Parsed templates by source; prompts repeat for every row, parsing should not. */
const cache = new Map<string, CompiledTemplate>();
const CACHE_LIMIT = 256;

/**
 * Parses `source` (Jinja2 syntax) once and returns a reusable template. Syntax errors,
 * unsupported tags and unknown filters or tests throw a `TemplateError` (code `invalid_option`)
 * naming the line.
 *
 * @example
 * const template = compileTemplate("{% for m in messages %}{{ m.role }}: {{ m.content }}\n{% endfor %}");
 * template.render({ messages: [{ role: "user", content: "Hi" }] }); // "user: Hi\n"
 */
export function compileTemplate(source: string): CompiledTemplate {
  const cached = cache.get(source);
  if (cached) {
    // Re-inserting keeps the map in least-recently-used order for eviction.
    cache.delete(source);
    cache.set(source, cached);
    return cached;
  }
  const root: ListNode = parseTemplate(source);
  validateAst(root);
  const template: CompiledTemplate = Object.freeze({
    source,
    variables: Object.freeze(collectVariables(root)),
    render: (context: Readonly<Record<string, unknown>>) => new Interpreter(context).render(root),
  });
  cache.set(source, template);
  if (cache.size > CACHE_LIMIT) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  return template;
}

/**
 * Renders a Jinja2 template with `context`, by interpreting its AST (no `eval`, so it runs on
 * Cloudflare Workers). Autoescape is off: prompts are not HTML.
 *
 * @example
 * renderTemplate("Hello {{ name | title }}!", { name: "ada" }); // "Hello Ada!"
 */
export function renderTemplate(source: string, context: Readonly<Record<string, unknown>>): string {
  return compileTemplate(source).render(context);
}

/**
 * The variables a template reads from its context (Jinja2's `meta.find_undeclared_variables`),
 * to check a task's `columns` against its template.
 */
export function templateVariables(source: string): string[] {
  return [...compileTemplate(source).variables];
}
