import events from "node:events";
import vm from "node:vm";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { DistilflareError } from "../../../src/errors.js";
import { TemplateError } from "../../../src/templates/template-error.js";
import { compileTemplate, renderTemplate, templateVariables } from "../../../src/templates/render.js";

function errorOf(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
  throw new Error("expected a TemplateError");
}

describe("renderTemplate: expressions", () => {
  it("renders variables, lookups and Python-style values", () => {
    const context = { row: { name: "ada", tags: ["x", "y"], nested: { n: 3 } }, none: null, yes: true, n: 2.5 };
    expect(renderTemplate("{{ row.name }} {{ row['name'] }} {{ row.tags[0] }} {{ row.tags[-1] }} {{ row.nested.n }}", context)).toBe("ada ada x y 3");
    expect(renderTemplate("{{ none }} {{ yes }} {{ n }} {{ row.tags }} {{ row.nested }}", context)).toBe("None True 2.5 ['x', 'y'] {'n': 3}");
  });

  it("renders undefined variables and missing attributes as empty strings", () => {
    expect(renderTemplate("[{{ missing }}][{{ missing.deeper }}][{{ row.absent }}][{{ items[9] }}]", { row: {}, items: [] })).toBe("[][][][]");
  });

  it("evaluates literals, lists, dicts, groups and arithmetic", () => {
    expect(renderTemplate("{{ [1, 'a', none] }} {{ {'k': 1}['k'] }} {{ (1 + 2) * 3 }} {{ 7 // 2 }} {{ -7 % 3 }} {{ 2 ** 10 }} {{ 7 / 2 }}", {})).toBe(
      "[1, 'a', None] 1 9 3 2 1024 3.5",
    );
    expect(renderTemplate("{{ 'ab' + 'cd' }} {{ [1] + [2] }} {{ 'ab' * 2 }} {{ 'n=' ~ 3 ~ none }}", {})).toBe("abcd [1, 2] abab n=3None");
  });

  it("compares, tests membership and short-circuits like Python", () => {
    const out = renderTemplate(
      "{{ 1 == 1.0 }} {{ 'a' != 'b' }} {{ 1 < 2 < 3 }} {{ 3 >= 4 }} {{ [1, 2] == [1, 2] }} {{ 'at' in 'cat' }} {{ 2 in [1, 2] }} {{ 'k' in d }} {{ 'z' not in d }} {{ none or 'fallback' }} {{ 0 and 'never' }} {{ not [] }}",
      { d: { k: 1 } },
    );
    expect(out).toBe("True True True False True True True True True fallback 0 True");
  });

  it("evaluates inline if with and without else", () => {
    expect(renderTemplate("{{ 'yes' if flag else 'no' }}|{{ 'shown' if flag }}|{{ 'hidden' if not flag }}", { flag: true })).toBe("yes|shown|");
  });

  it("slices lists and strings with Python semantics", () => {
    expect(renderTemplate("{{ xs[1:] }} {{ xs[:-1] }} {{ xs[::2] }} {{ xs[::-1] }} {{ s[1:3] }} {{ s[::-1] }}", { xs: [1, 2, 3, 4], s: "hello" })).toBe(
      "[2, 3, 4] [1, 2, 3] [1, 3] [4, 3, 2, 1] el olleh",
    );
  });

  it("runs `is` tests, negated and with arguments", () => {
    const out = renderTemplate(
      "{{ x is defined }} {{ y is defined }} {{ y is undefined }} {{ z is none }} {{ x is number }} {{ s is string }} {{ 4 is even }} {{ 3 is odd }} {{ 9 is divisibleby(3) }} {{ z is not none }} {{ d is mapping }}",
      { x: 1, z: null, s: "s", d: {} },
    );
    expect(out).toBe("True False True True True True True True True False True");
  });

  it("calls dict, string and list methods", () => {
    const out = renderTemplate(
      "{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %} {{ d.keys() | list }} {{ d.values() | list }} {{ d.get('x', 'dflt') }} {{ ' a b '.strip() }} {{ 'a,b'.split(',') }} {{ 'Hi {}'.format(name) }} {{ 'abc'.startswith('ab') }} {{ [1, 2, 1].count(1) }}",
      { d: { a: 1, b: 2 }, name: "Bo" },
    );
    expect(out).toBe("a=1;b=2; ['a', 'b'] [1, 2] dflt a b ['a', 'b'] Hi Bo True 2");
  });

  it("never reaches JavaScript prototype members from a template", () => {
    expect(renderTemplate("[{{ s.constructor }}][{{ d.__proto__ }}][{{ xs.length }}][{{ d.toString }}]", { s: "x", d: {}, xs: [1] })).toBe("[][][][]");
    expect(errorOf(() => renderTemplate("{{ s.constructor('return 1') }}", { s: "x" })).message).toMatch(/cannot be called/);
  });
});

describe("renderTemplate: statements", () => {
  it("renders if / elif / else", () => {
    const template = "{% if n > 10 %}big{% elif n > 5 %}medium{% else %}small{% endif %}";
    expect([20, 7, 1].map((n) => renderTemplate(template, { n }))).toEqual(["big", "medium", "small"]);
  });

  it("exposes the loop variables and for-else", () => {
    const template =
      "{% for x in xs %}{{ loop.index }}/{{ loop.index0 }}/{{ loop.length }}{% if loop.first %}F{% endif %}{% if loop.last %}L{% endif %} {% else %}empty{% endfor %}";
    expect(renderTemplate(template, { xs: ["a", "b", "c"] })).toBe("1/0/3F 2/1/3 3/2/3L ");
    expect(renderTemplate(template, { xs: [] })).toBe("empty");
    expect(renderTemplate(template, {})).toBe("empty");
    expect(renderTemplate("{% for x in xs %}{{ loop.revindex }}{{ loop.cycle('a', 'b') }}{% endfor %}", { xs: [1, 2, 3] })).toBe("3a2b1a");
  });

  it("unpacks tuples in for loops and filters with `for ... if`", () => {
    expect(
      renderTemplate("{% for k, v in pairs %}{{ k }}{{ v }} {% endfor %}", {
        pairs: [
          ["a", 1],
          ["b", 2],
        ],
      }),
    ).toBe("a1 b2 ");
    expect(renderTemplate("{% for x in xs if x > 1 %}{{ loop.index }}:{{ x }} {% endfor %}", { xs: [1, 2, 3] })).toBe("1:2 2:3 ");
  });

  it("iterates dict keys and string characters", () => {
    expect(renderTemplate("{% for k in d %}{{ k }}{% endfor %}|{% for c in 'abc' %}{{ c }}.{% endfor %}", { d: { x: 1, y: 2 } })).toBe("xy|a.b.c.");
  });

  it("keeps variables set inside a loop out of the outer scope", () => {
    expect(renderTemplate("{% set x = 'outer' %}{% for i in [1] %}{% set x = 'inner' %}{{ x }} {% endfor %}{{ x }}", {})).toBe("inner outer");
  });

  it("supports set, block set, namespace and multiple targets", () => {
    expect(renderTemplate("{% set a = 2 %}{% set b %}[{{ a }}]{% endset %}{{ a * 3 }}{{ b }}", {})).toBe("6[2]");
    expect(renderTemplate("{% set ns = namespace(n=0) %}{% for x in xs %}{% set ns.n = ns.n + x %}{% endfor %}{{ ns.n }}", { xs: [1, 2, 3] })).toBe("6");
    expect(renderTemplate("{% set a, b = pair %}{{ b }}{{ a }}", { pair: [1, 2] })).toBe("21");
  });

  it("defines and calls macros with defaults and keyword arguments", () => {
    const template = "{% macro tag(name, value='-') %}<{{ name }}:{{ value }}>{% endmacro %}{{ tag('a') }}{{ tag('b', 2) }}{{ tag('c', value=3) }}";
    expect(renderTemplate(template, {})).toBe("<a:-><b:2><c:3>");
  });

  it("applies whitespace control, raw blocks, comments and filter blocks", () => {
    expect(renderTemplate("a  {%- if true -%}  \n b  {%- endif -%}\n  c", {})).toBe("abc");
    expect(renderTemplate("{{- ' x ' -}}  |", {})).toBe(" x |");
    expect(renderTemplate("{% raw %}{{ keep }}{% if %}{% endraw %}", {})).toBe("{{ keep }}{% if %}");
    expect(renderTemplate("a{# a comment #}b{#- trimmed -#}   c", {})).toBe("abc");
    expect(renderTemplate("{% filter upper %}hi {{ name }}{% endfilter %}", { name: "bo" })).toBe("HI BO");
  });

  it("drops exactly one trailing newline and normalizes CRLF, as Jinja2 does", () => {
    expect(renderTemplate("line\n", {})).toBe("line");
    expect(renderTemplate("line\n\n", {})).toBe("line\n");
    expect(renderTemplate("a\r\nb", {})).toBe("a\nb");
  });
});

describe("compileTemplate and templateVariables", () => {
  it("returns the same compiled template for the same source", () => {
    const source = "{{ cached_variable }}";
    expect(compileTemplate(source)).toBe(compileTemplate(source));
    expect(compileTemplate(source).render({ cached_variable: "v" })).toBe("v");
  });

  it("lists context variables in order of first use, without locals, loop names and globals", () => {
    const source =
      "{% set a = 1 %}{{ a }}{{ b.c }}{% for x in xs %}{{ x }}{{ loop.index }}{{ y }}{% endfor %}{{ range(3) }}{{ f | join(sep) }}{% macro m(p, q=dflt) %}{{ p }}{{ q }}{{ z }}{% endmacro %}{{ True }}";
    expect(templateVariables(source)).toEqual(["b", "xs", "y", "f", "sep", "dflt", "z"]);
    expect(templateVariables("{{ instruction }}")).toEqual(["instruction"]);
    expect(templateVariables("{{ a }}{% if b is defined %}{{ c | default(d) }}{% endif %}{{ a }}")).toEqual(["a", "b", "c", "d"]);
  });
});

describe("template errors", () => {
  it("names the line of a syntax error with code invalid_option", () => {
    const error = errorOf(() => compileTemplate("first line\nsecond {{ x \nthird"));
    expect(error).toBeInstanceOf(DistilflareError);
    expect(error.code).toBe("invalid_option");
    expect(error.kind).toBe("syntax");
    expect(error.line).toBe(3);
    expect(error.message).toMatch(/^Template syntax error at line 3/);
  });

  it("reports an unclosed block at the end of the template", () => {
    const error = errorOf(() => compileTemplate("{% for x in xs %}\n{{ x }}\n"));
    expect(error.message).toMatch(/line 2.*end of file/);
  });

  it("rejects include, extends, import and call blocks as unsupported", () => {
    for (const [source, word] of [
      ["a\n{% include 'other.j2' %}", "include"],
      ["{% extends 'base.j2' %}", "extends"],
      ["{% import 'm.j2' as m %}", "import"],
      ["{% macro m() %}{{ caller() }}{% endmacro %}\n{% call m() %}x{% endcall %}", "call"],
    ] as const) {
      const error = errorOf(() => compileTemplate(source));
      expect(error.kind).toBe("unsupported");
      expect(error.message).toContain(word);
      expect(error.code).toBe("invalid_option");
    }
    expect(errorOf(() => compileTemplate("a\n{% include 'x' %}")).line).toBe(2);
  });

  it("rejects unknown filters and tests when compiling", () => {
    expect(errorOf(() => compileTemplate("{{ x | shout }}")).message).toMatch(/no filter named 'shout'/);
    expect(errorOf(() => compileTemplate("\n{{ x is shouting }}")).message).toMatch(/line 2.*no test named 'shouting'/);
  });

  it("reports a bad value at render time with its line", () => {
    const error = errorOf(() => renderTemplate("ok\n{{ count + 'x' }}", { count: 1 }));
    expect(error.kind).toBe("render");
    expect(error.line).toBe(2);
    expect(error.message).toMatch(/unsupported operand/);
    expect(errorOf(() => renderTemplate("{{ missing + 1 }}", {})).message).toMatch(/'missing' is undefined/);
    expect(errorOf(() => renderTemplate("{% for x in 5 %}{% endfor %}", {})).message).toMatch(/'int' object is not iterable/);
  });
});

describe("no code generation", () => {
  it("renders inside a vm context where eval and new Function are disallowed", async () => {
    const bundle = await build({
      entryPoints: [new URL("../../../src/templates/render.ts", import.meta.url).pathname],
      bundle: true,
      write: false,
      format: "iife",
      globalName: "templates",
      platform: "neutral",
      // nunjucks' object.js requires node's EventEmitter (nodejs_compat provides it on Workers).
      external: ["events"],
      logLevel: "silent",
    });
    const code = bundle.outputFiles[0]?.text ?? "";
    const context = vm.createContext(
      {
        require: (name: string) => {
          if (name === "events") return events;
          throw new Error(`unexpected require('${name}')`);
        },
      },
      { codeGeneration: { strings: false, wasm: false } },
    );
    vm.runInContext(code, context);
    // The sandbox really forbids code generation...
    expect(() => vm.runInContext("new Function('return 1')()", context)).toThrow(/Code generation from strings disallowed/);
    expect(() => vm.runInContext("eval('1 + 1')", context)).toThrow(/Code generation from strings disallowed/);
    // ...and the renderer still works there, filters, loops, macros and all.
    const rendered = vm.runInContext(
      `templates.renderTemplate(
        "{% macro item(x) %}- {{ x | title }}{% endmacro %}{% for x in xs if x %}{{ item(x) }}{% if not loop.last %}\\n{% endif %}{% endfor %} {{ data | tojson }} {{ xs[1:] | length }}",
        { xs: ["alpha beta", "", "gamma"], data: { a: [1, null] } }
      )`,
      context,
    );
    expect(rendered).toBe('- Alpha Beta\n- Gamma {"a": [1, null]} 2');
  });
});
