import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * The "Layers and what may import what" table of docs/architecture.md, as data: which top
 * folders (and single files) each layer's modules may import, which only as types, and
 * whether `cloudflare:*` modules are allowed. npm packages and `node:*` built-ins are allowed
 * everywhere (the Worker runs with `nodejs_compat`).
 */
interface LayerRule {
  may: string[];
  typesOnly?: string[];
  files?: string[];
  /** Modules allowed a dynamic import of a computed path (none can be checked here). */
  computed?: string[];
  cloudflare: boolean;
}

const RULES: Record<string, LayerRule> = {
  src: { may: ["src"], cloudflare: false },
  bindings: { may: ["src", "bindings"], cloudflare: false },
  "durable-objects": { may: ["src", "bindings", "durable-objects"], cloudflare: true },
  queues: { may: ["src", "bindings", "queues"], typesOnly: ["durable-objects"], cloudflare: false },
  worker: { may: ["src", "bindings", "durable-objects", "queues", "worker"], cloudflare: true },
  // In a checkout, `distilflare dev` loads the test stand-ins by path, so the package never includes them.
  cli: { may: ["src", "cli"], files: ["scripts/lib/wrangler-dev.ts"], computed: ["cli/stand-ins.ts"], cloudflare: false },
};

/** The package's own names resolve to the modules `tsconfig.json` maps them to. */
const SELF_IMPORTS: Record<string, string> = { distilflare: "src/index.ts", "distilflare/worker": "worker/exports.ts" };

interface ImportRef {
  specifier: string;
  typeOnly: boolean;
}

/** Every static import, re-export, dynamic import and `import("...")` type of a module, parsed (comments never count). */
function importsOf(fileName: string, source: string): ImportRef[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found: ImportRef[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      // With verbatimModuleSyntax only `import type` is erased; `import { type X }` still loads the module.
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: node.importClause?.isTypeOnly ?? false });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      found.push({ specifier: argument && ts.isStringLiteralLike(argument) ? argument.text : "<computed>", typeOnly: false });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push({ specifier: node.argument.literal.text, typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** Whether a module names the Worker's `Env` type (`Env` or `Cloudflare.Env`), which only Workers-bound layers may. */
function namesEnv(fileName: string, source: string): boolean {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  let found = false;
  const visit = (node: ts.Node): void => {
    if (ts.isTypeReferenceNode(node)) {
      const name = node.typeName;
      if ((ts.isIdentifier(name) && name.text === "Env") || (ts.isQualifiedName(name) && name.right.text === "Env")) found = true;
    }
    if (!found) ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** What is wrong with one import of `file` (a repository-relative path), or undefined when the table allows it. */
function violation(file: string, ref: ImportRef): string | undefined {
  const layer = file.split("/")[0] ?? "";
  const rule = RULES[layer];
  if (!rule) return `${file}: not in a layer of the table`;
  const { specifier } = ref;
  if (specifier === "<computed>") return rule.computed?.includes(file) ? undefined : `${file}: a dynamic import of a computed path cannot be checked`;
  if (specifier.startsWith("cloudflare:")) return rule.cloudflare ? undefined : `${file} imports '${specifier}': ${layer}/ never imports cloudflare:*`;
  const self = SELF_IMPORTS[specifier];
  if (!specifier.startsWith(".") && !self) return undefined;
  const target = self ?? path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier)).replace(/\.js$/, ".ts");
  const folder = target.split("/")[0] ?? "";
  if (rule.may.includes(folder) || rule.files?.includes(target)) return undefined;
  if (ref.typeOnly && rule.typesOnly?.includes(folder)) return undefined;
  const allowed = [...rule.may.map((f) => `${f}/`), ...(rule.files ?? []), ...(rule.typesOnly ?? []).map((f) => `${f}/ (types only)`)].join(", ");
  return `${file} imports '${specifier}' (${target}${ref.typeOnly ? ", types only" : ""}): ${layer}/ may import ${allowed}`;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

function modulesUnder(folder: string): string[] {
  return readdirSync(path.join(root, folder), { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".ts") && !name.endsWith(".d.ts"))
    .map((name) => `${folder}/${name.split(path.sep).join("/")}`)
    .sort();
}

describe("the layout table's import rules", () => {
  it("hold for every import of every layer", () => {
    const problems: string[] = [];
    let checked = 0;
    for (const layer of Object.keys(RULES)) {
      const files = modulesUnder(layer);
      expect(files.length, `${layer}/ has modules`).toBeGreaterThan(0);
      for (const file of files) {
        for (const ref of importsOf(file, readFileSync(path.join(root, file), "utf8"))) {
          checked++;
          const problem = violation(file, ref);
          if (problem) problems.push(problem);
        }
      }
    }
    for (const file of modulesUnder("src"))
      if (namesEnv(file, readFileSync(path.join(root, file), "utf8"))) problems.push(`${file} names Env: src/ never does`);
    expect(checked).toBeGreaterThan(500);
    expect(problems).toEqual([]);
    // Parsing every module takes a few seconds on a loaded machine.
  }, 60_000);

  it("finds imports, re-exports, dynamic imports and import types, and never ones in comments", () => {
    const source = [
      `import { a } from "./a.js";`,
      `import type { B } from "../durable-objects/b.js";`,
      `import { type C } from "./c.js";`,
      `export { d } from "./d.js";`,
      `export type { E } from "./e.js";`,
      `const f = await import("./f.js");`,
      `type G = import("./g.js").G;`,
      `// import { h } from "./h.js";`,
    ].join("\n");
    expect(importsOf("queues/x.ts", source)).toEqual([
      { specifier: "./a.js", typeOnly: false },
      { specifier: "../durable-objects/b.js", typeOnly: true },
      { specifier: "./c.js", typeOnly: false },
      { specifier: "./d.js", typeOnly: false },
      { specifier: "./e.js", typeOnly: true },
      { specifier: "./f.js", typeOnly: false },
      { specifier: "./g.js", typeOnly: true },
    ]);
  });

  it("names the file and the import that break a rule", () => {
    expect(violation("src/engine/x.ts", { specifier: "../../queues/work-consumer.js", typeOnly: false })).toBe(
      "src/engine/x.ts imports '../../queues/work-consumer.js' (queues/work-consumer.ts): src/ may import src/",
    );
    expect(violation("src/api/x.ts", { specifier: "cloudflare:workers", typeOnly: false })).toMatch(
      /^src\/api\/x\.ts imports 'cloudflare:workers': src\/ never imports cloudflare/,
    );
    expect(violation("durable-objects/x.ts", { specifier: "../worker/create-worker.js", typeOnly: false })).toMatch(
      /^durable-objects\/x\.ts imports '\.\.\/worker\/create-worker\.js'/,
    );
    expect(violation("queues/x.ts", { specifier: "../durable-objects/pipeline-run.js", typeOnly: false })).toMatch(/durable-objects\/ \(types only\)/);
    expect(violation("src/x.ts", { specifier: "distilflare/worker", typeOnly: false })).toMatch(/\(worker\/exports\.ts\)/);
    expect(violation("src/x.ts", { specifier: "<computed>", typeOnly: false })).toBe("src/x.ts: a dynamic import of a computed path cannot be checked");
  });

  it("finds the Worker's Env type named in a module", () => {
    expect(namesEnv("src/x.ts", "export function f(env: Env): void {}")).toBe(true);
    expect(namesEnv("src/x.ts", "type E = Cloudflare.Env;")).toBe(true);
    expect(namesEnv("src/x.ts", "// a comment about Env\nconst environment = 1;")).toBe(false);
  });

  it("allows what the table allows", () => {
    expect(violation("queues/x.ts", { specifier: "../durable-objects/pipeline-run.js", typeOnly: true })).toBeUndefined();
    expect(violation("durable-objects/x.ts", { specifier: "../bindings/r2-blob-store.js", typeOnly: false })).toBeUndefined();
    expect(violation("cli/commands/dev.ts", { specifier: "../../scripts/lib/wrangler-dev.js", typeOnly: false })).toBeUndefined();
    expect(violation("src/core/hash.ts", { specifier: "node:crypto", typeOnly: false })).toBeUndefined();
    expect(violation("worker/x.ts", { specifier: "cloudflare:workers", typeOnly: false })).toBeUndefined();
  });
});
