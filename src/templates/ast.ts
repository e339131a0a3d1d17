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

export type TemplateNode =
  | ListNode
  | LiteralNode
  | SymbolNode
  | TemplateDataNode
  | PairNode
  | LookupNode
  | SliceNode
  | IfNode
  | ForNode
  | MacroNode
  | CallNode
  | SetNode
  | CaptureNode
  | UnaryNode
  | BinaryNode
  | CompareNode
  | CompareOperandNode
  | UnsupportedNode;

/** The child nodes of `node`, in source order (for analysis passes). */
export function childNodes(node: TemplateNode): TemplateNode[] {
  switch (node.typename) {
    case "Root":
    case "NodeList":
    case "Group":
    case "Array":
    case "Dict":
    case "Output":
    case "KeywordArgs":
      return node.children;
    case "Pair":
      return [node.key, node.value];
    case "LookupVal":
      return [node.target, node.val];
    case "Slice":
      return [node.start, node.stop, node.step].filter((n): n is TemplateNode => n !== null);
    case "If":
    case "InlineIf":
      return [node.cond, node.body, ...(node.else_ ? [node.else_] : [])];
    case "For":
      return [node.arr, node.name, node.body, ...(node.else_ ? [node.else_] : [])];
    case "Macro":
      return [node.name, node.args, node.body];
    case "FunCall":
    case "Filter":
      return [node.name, node.args];
    case "Set":
      return [...node.targets, ...(node.value ? [node.value] : []), ...(node.body ? [node.body] : [])];
    case "Capture":
      return [node.body];
    case "Not":
    case "Neg":
    case "Pos":
      return [node.target];
    case "Compare":
      return [node.expr, ...node.ops];
    case "CompareOperand":
      return [node.expr];
    case "Literal":
    case "Symbol":
    case "TemplateData":
      return [];
    default:
      if ("left" in node) return [node.left, node.right];
      return [];
  }
}
