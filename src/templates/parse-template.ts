import lexer from "nunjucks/src/lexer.js";
import parserModule from "nunjucks/src/parser.js";
import type { NunjucksParser } from "nunjucks/src/parser.js";
import nodes from "nunjucks/src/nodes.js";
import type { ListNode, SliceNode, TemplateNode } from "./ast.js";
import { TemplateError } from "./template-error.js";

/**
 * Jinja2's lexer normalizes newlines and drops one trailing newline of the source
 * (`keep_trailing_newline=False`); doing the same keeps prompts byte-identical.
 */
export function normalizeSource(source: string): string {
  const unified = source.replace(/\r\n?/g, "\n");
  return unified.endsWith("\n") ? unified.slice(0, -1) : unified;
}

/**
 * Parses Jinja2 source into nunjucks' AST with nunjucks' own lexer and parser (plain JS, no
 * code generation). The postfix rule is replaced by one that also reads Python slices
 * (`items[1:]`, `text[::-1]`), which nunjucks does not parse.
 */
export function parseTemplate(source: string): ListNode {
  const tokens = lexer.lex(normalizeSource(source), {});
  try {
    const parser = new parserModule.Parser(tokens);
    parser.parsePostfix = function (this: NunjucksParser, node: unknown) {
      return parsePostfix(this, node);
    };
    return parser.parseAsRoot() as ListNode;
  } catch (error) {
    // Errors at the end of the source or from the lexer carry no position: the tokenizer's is it.
    throw toSyntaxError(error, { line: tokens.lineno + 1, column: tokens.colno + 1 });
  }
}

function parsePostfix(parser: NunjucksParser, start: unknown): unknown {
  let node = start;
  let token = parser.peekToken();
  while (token) {
    if (token.type === lexer.TOKEN_LEFT_PAREN) {
      node = new nodes.FunCall(token.lineno, token.colno, node, parser.parseSignature());
    } else if (token.type === lexer.TOKEN_LEFT_BRACKET) {
      node = parseSubscript(parser, node);
    } else if (token.type === lexer.TOKEN_OPERATOR && token.value === ".") {
      parser.nextToken();
      const name = parser.nextToken();
      if (!name || (name.type !== lexer.TOKEN_SYMBOL && name.type !== lexer.TOKEN_INT)) {
        parser.fail(`expected a name after '.', got ${name ? String(name.value) : "end of template"}`, name?.lineno, name?.colno);
      }
      const key = name.type === lexer.TOKEN_INT ? Number(name.value) : name.value;
      node = new nodes.LookupVal(token.lineno, token.colno, node, new nodes.Literal(name.lineno, name.colno, key));
    } else {
      break;
    }
    token = parser.peekToken();
  }
  return node;
}

/** `[expr]` or `[start:stop:step]` with every part optional. */
function parseSubscript(parser: NunjucksParser, target: unknown): unknown {
  const open = parser.expect(lexer.TOKEN_LEFT_BRACKET);
  const peekType = (): string | undefined => parser.peekToken()?.type;
  const first = peekType() === lexer.TOKEN_COLON ? null : parser.parseExpression();
  if (peekType() !== lexer.TOKEN_COLON) {
    parser.expect(lexer.TOKEN_RIGHT_BRACKET);
    if (first === null) parser.fail("expected an index inside []", open.lineno, open.colno);
    return new nodes.LookupVal(open.lineno, open.colno, target, first);
  }
  parser.expect(lexer.TOKEN_COLON);
  const stop = peekType() === lexer.TOKEN_COLON || peekType() === lexer.TOKEN_RIGHT_BRACKET ? null : parser.parseExpression();
  let step: unknown = null;
  if (parser.skip(lexer.TOKEN_COLON)) step = peekType() === lexer.TOKEN_RIGHT_BRACKET ? null : parser.parseExpression();
  parser.expect(lexer.TOKEN_RIGHT_BRACKET);
  const slice: SliceNode = {
    typename: "Slice",
    lineno: open.lineno,
    colno: open.colno,
    start: first as TemplateNode | null,
    stop: stop as TemplateNode | null,
    step: step as TemplateNode | null,
  };
  return new nodes.LookupVal(open.lineno, open.colno, target, slice);
}

/** nunjucks throws its TemplateError (1-based lineno/colno) or, from the lexer, a bare Error. */
function toSyntaxError(error: unknown, fallback: { line: number; column: number }): TemplateError {
  if (error instanceof TemplateError) return error;
  const raw = error as { message?: unknown; lineno?: unknown; colno?: unknown };
  const message = typeof raw?.message === "string" ? raw.message : String(error);
  const cleaned = message
    .replace(/^\(unknown path\)\s*(\[Line \d+, Column \d+\])?\s*/, "")
    .replace(/^\s*(Template render error:\s*)?/, "")
    .replace(/^parse\w*:\s*/, "")
    .replace(/^advanceAfterBlockEnd:\s*/, "")
    .trim();
  return new TemplateError("syntax", cleaned, {
    line: typeof raw?.lineno === "number" ? raw.lineno : fallback.line,
    column: typeof raw?.lineno === "number" && typeof raw.colno === "number" ? raw.colno : typeof raw?.lineno === "number" ? undefined : fallback.column,
  });
}
