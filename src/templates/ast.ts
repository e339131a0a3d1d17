/**
 * The shapes of the nunjucks parser's AST that the interpreter reads. nunjucks builds these
 * objects at run time; `parseTemplate` casts once at that boundary and everything after trusts it.
 * Line and column numbers are 0-based, as nunjucks stores them.
 */
interface Base {
  readonly lineno: number;
  readonly colno: number;
}

export interface ListNode extends Base {
  readonly typename: "Root" | "NodeList" | "Group" | "Array" | "Dict" | "Output" | "KeywordArgs";
  readonly children: TemplateNode[];
}
export interface LiteralNode extends Base {
  readonly typename: "Literal";
  readonly value: string | number | boolean | null | RegExp;
}
export interface SymbolNode extends Base {
  readonly typename: "Symbol";
  readonly value: string;
}
export interface TemplateDataNode extends Base {
  readonly typename: "TemplateData";
  readonly value: string;
}
export interface PairNode extends Base {
  readonly typename: "Pair";
  readonly key: TemplateNode;
  readonly value: TemplateNode;
}
export interface LookupNode extends Base {
  readonly typename: "LookupVal";
  readonly target: TemplateNode;
  readonly val: TemplateNode;
}
/** Ours, not nunjucks': `a[start:stop:step]`, made by the slice-aware postfix parser. */
export interface SliceNode extends Base {
  readonly typename: "Slice";
  readonly start: TemplateNode | null;
  readonly stop: TemplateNode | null;
  readonly step: TemplateNode | null;
}
export interface IfNode extends Base {
  readonly typename: "If" | "InlineIf";
  readonly cond: TemplateNode;
  readonly body: TemplateNode;
  readonly else_: TemplateNode | null;
}
export interface ForNode extends Base {
  readonly typename: "For";
  readonly arr: TemplateNode;
  readonly name: TemplateNode;
  readonly body: TemplateNode;
  readonly else_: TemplateNode | null;
}
export interface MacroNode extends Base {
  readonly typename: "Macro";
  readonly name: SymbolNode;
  readonly args: ListNode;
  readonly body: TemplateNode;
}
export interface CallNode extends Base {
  readonly typename: "FunCall" | "Filter";
  readonly name: TemplateNode;
  readonly args: ListNode;
}
export interface SetNode extends Base {
  readonly typename: "Set";
  readonly targets: TemplateNode[];
  readonly value: TemplateNode | null;
  readonly body?: TemplateNode | null;
}
export interface CaptureNode extends Base {
  readonly typename: "Capture";
  readonly body: TemplateNode;
}
export interface UnaryNode extends Base {
  readonly typename: "Not" | "Neg" | "Pos";
  readonly target: TemplateNode;
}
export type BinaryOperator = "In" | "Is" | "Or" | "And" | "Add" | "Concat" | "Sub" | "Mul" | "Div" | "FloorDiv" | "Mod" | "Pow";
export interface BinaryNode extends Base {
  readonly typename: BinaryOperator;
  readonly left: TemplateNode;
  readonly right: TemplateNode;
}
export interface CompareNode extends Base {
  readonly typename: "Compare";
  readonly expr: TemplateNode;
  readonly ops: CompareOperandNode[];
}
export interface CompareOperandNode extends Base {
  readonly typename: "CompareOperand";
  readonly expr: TemplateNode;
  readonly type: string;
}
/** nunjucks nodes with no Jinja2 meaning here: loading other templates (no loader on Workers)... */
type LoaderNodeType = "Extends" | "Block" | "Super" | "Include" | "Import" | "FromImport" | "TemplateRef";
/** ...and `{% call %}`, nunjucks-only tags, async variants and extensions. */
type OtherUnsupportedNodeType = "Caller" | "Switch" | "Case" | "IfAsync" | "AsyncEach" | "AsyncAll" | "FilterAsync" | "CallExtension" | "CallExtensionAsync";
export interface UnsupportedNode extends Base {
  readonly typename: LoaderNodeType | OtherUnsupportedNodeType;
}

/** Lists, text and tags (ListNode and IfNode also stand for the Array/Dict literals and inline ifs). */
type StatementNode = ListNode | TemplateDataNode | IfNode | ForNode | MacroNode | SetNode | CaptureNode | UnsupportedNode;
type ExpressionNode = LiteralNode | SymbolNode | PairNode | LookupNode | SliceNode | CallNode | UnaryNode | BinaryNode | CompareNode | CompareOperandNode;
export type TemplateNode = StatementNode | ExpressionNode;

function isNode(value: unknown): value is TemplateNode {
  return typeof value === "object" && value !== null && typeof (value as { typename?: unknown }).typename === "string";
}

/**
 * The child nodes of `node`, in source order (for analysis passes): its node-valued fields in
 * the order nunjucks' `init` creates them (a later assignment keeps a field's place; the `body`
 * of a `{% set %}` block is added after them). Our Slice nodes list start, stop, step likewise.
 */
export function childNodes(node: TemplateNode): TemplateNode[] {
  return Object.values(node)
    .flatMap((value: unknown) => (Array.isArray(value) ? value : [value]))
    .filter(isNode);
}
