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
    nextToken(): Token | null;
  }
  export function lex(source: string, opts?: Record<string, unknown>): Tokenizer;
  export const TOKEN_LEFT_PAREN: string;
  export const TOKEN_LEFT_BRACKET: string;
  export const TOKEN_RIGHT_BRACKET: string;
  export const TOKEN_COLON: string;
  export const TOKEN_OPERATOR: string;
  export const TOKEN_SYMBOL: string;
  export const TOKEN_INT: string;
  const lexer: {
    lex: typeof lex;
    TOKEN_LEFT_PAREN: string;
    TOKEN_LEFT_BRACKET: string;
    TOKEN_RIGHT_BRACKET: string;
    TOKEN_COLON: string;
    TOKEN_OPERATOR: string;
    TOKEN_SYMBOL: string;
    TOKEN_INT: string;
  };
  export default lexer;
}

declare module "nunjucks/src/parser.js" {
  import type { Token, Tokenizer } from "nunjucks/src/lexer.js";
  export interface NunjucksParser {
    peekToken(): Token | null;
    nextToken(withWhitespace?: boolean): Token | null;
    pushToken(token: Token | null): void;
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
