// nunjucks ships no types for its internal parser modules; we only use the lexer, the parser
// and the node constructors (never the compiler, which generates code from strings).
declare module "nunjucks/src/lexer.js" {
  export interface Token {
    type: string;
    value: unknown;
    lineno: number;
    colno: number;
  }
  export interface Tokenizer {
    lineno: number;
    colno: number;
  }
  type TokenType = "TOKEN_LEFT_PAREN" | "TOKEN_LEFT_BRACKET" | "TOKEN_RIGHT_BRACKET" | "TOKEN_COLON" | "TOKEN_OPERATOR" | "TOKEN_SYMBOL" | "TOKEN_INT";
  const lexer: { lex(source: string, opts?: Record<string, unknown>): Tokenizer } & Record<TokenType, string>;
  export default lexer;
}

declare module "nunjucks/src/parser.js" {
  import type { Token, Tokenizer } from "nunjucks/src/lexer.js";
  export interface NunjucksParser {
    peekToken(): Token | null;
    nextToken(withWhitespace?: boolean): Token | null;
    skip(type: string): boolean;
    expect(type: string): Token;
    fail(message: string, lineno?: number, colno?: number): never;
    parseExpression(): unknown;
    parseSignature(tolerant?: boolean, noParens?: boolean): unknown;
    parsePostfix(node: unknown): unknown;
    parseAsRoot(): unknown;
  }
  const parser: { Parser: new (tokens: Tokenizer) => NunjucksParser };
  export default parser;
}

declare module "nunjucks/src/nodes.js" {
  type NodeConstructor = new (lineno: number, colno: number, ...fields: unknown[]) => unknown;
  const nodes: { FunCall: NodeConstructor; LookupVal: NodeConstructor; Literal: NodeConstructor };
  export default nodes;
}
