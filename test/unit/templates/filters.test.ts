import { describe, expect, it } from "vitest";
import { renderTemplate } from "../../../src/templates/render.js";
import { TemplateError } from "../../../src/templates/template-error.js";

const r = (source: string, context: Record<string, unknown> = {}): string => renderTemplate(source, context);

describe("text filters", () => {
  it("changes case like Jinja2", () => {
    expect(r("{{ s | upper }}|{{ s | lower }}|{{ s | title }}|{{ s | capitalize }}", { s: "hELLO wORLD-wide (test)" })).toBe(
      "HELLO WORLD-WIDE (TEST)|hello world-wide (test)|Hello World-Wide (Test)|Hello world-wide (test)",
    );
  });

  it("trims, replaces, counts words and truncates", () => {
    expect(r("[{{ s | trim }}][{{ 'xxhixx' | trim('x') }}]", { s: "  hi \n" })).toBe("[hi][hi]");
    expect(r("{{ 'a-b-c' | replace('-', '+') }} {{ 'a-b-c' | replace('-', '+', 1) }}")).toBe("a+b+c a+b-c");
    expect(r("{{ s | wordcount }}", { s: "one, two three_3!" })).toBe("3");
    const long = "The quick brown fox jumps over the lazy dog";
    expect(r("{{ s | truncate(20) }}|{{ s | truncate(20, true) }}|{{ s | truncate(20, false, '!', 0) }}|{{ 'short' | truncate(20) }}", { s: long })).toBe(
      "The quick brown...|The quick brown f...|The quick brown!|short",
    );
  });

  it("indents every line but the first, blank lines only when asked", () => {
    expect(r("{{ s | indent }}", { s: "a\nb\n\nc" })).toBe("a\n    b\n\n    c");
    expect(r("{{ s | indent(2, true) }}", { s: "a\nb" })).toBe("  a\n  b");
    expect(r("{{ s | indent(2, blank=true) }}", { s: "a\n\nb" })).toBe("a\n  \n  b");
  });

  it("escapes HTML only when asked (autoescape is off)", () => {
    expect(r("{{ s }}|{{ s | e }}|{{ s | escape }}|{{ s | safe }}", { s: `<a href="x">'&'</a>` })).toBe(
      `<a href="x">'&'</a>|&lt;a href=&#34;x&#34;&gt;&#39;&amp;&#39;&lt;/a&gt;|&lt;a href=&#34;x&#34;&gt;&#39;&amp;&#39;&lt;/a&gt;|<a href="x">'&'</a>`,
    );
  });

  it("converts numbers and strings", () => {
    expect(r("{{ '42' | int + 1 }} {{ '3.9' | int }} {{ 'x' | int }} {{ 'x' | int(7) }} {{ 'ff' | int(base=16) }} {{ 2.7 | int }}")).toBe("43 3 0 7 255 2");
    expect(r("{{ '2.5' | float * 2 }} {{ 'no' | float }} {{ 3 | string ~ '!' }} {{ none | string }}")).toBe("5 0 3! None");
    expect(
      r(
        "{{ 2.5 | round }} {{ 3.5 | round }} {{ 3.14159 | round(2) }} {{ 0.125 | round(2) }} {{ 2.675 | round(2) }} {{ 3.11 | round(1, 'ceil') }} {{ 3.19 | round(1, 'floor') }} {{ -3 | abs }}",
      ),
    ).toBe("2 4 3.14 0.12 2.67 3.2 3.1 3");
  });

  it("dumps JSON like Python's json.dumps with Jinja2's tojson policy", () => {
    const data = { b: "<tag> & 'q' é", a: [1, 2.5, null, true], c: {} };
    expect(r("{{ data | tojson }}", { data })).toBe('{"a": [1, 2.5, null, true], "b": "\\u003ctag\\u003e \\u0026 \\u0027q\\u0027 \\u00e9", "c": {}}');
    expect(r("{{ data | tojson(2) }}", { data: { k: [1] } })).toBe('{\n  "k": [\n    1\n  ]\n}');
  });

  it("formats printf-style and centers", () => {
    expect(r("{{ '%s scored %d (%.1f%%)' | format('Ann', 9, 92.25) }}|{{ '%5s|%-5s|%03d' | format('a', 'b', 7) }}")).toBe(
      "Ann scored 9 (92.2%)|    a|b    |007",
    );
    expect(r("[{{ 'ab' | center(6) }}]")).toBe("[  ab  ]");
  });
});

describe("sequence filters", () => {
  const people = [
    { name: "bo", age: 30, team: { id: 2 } },
    { name: "Al", age: 25, team: { id: 1 } },
    { name: "cy", age: 35, team: { id: 1 } },
  ];

  it("measures, joins and picks items", () => {
    expect(r("{{ xs | length }} {{ xs | count }} {{ 'héllo' | length }} {{ d | length }} {{ missing | length }}", { xs: [1, 2, 3], d: { a: 1 } })).toBe(
      "3 3 5 1 0",
    );
    expect(r("{{ xs | join }}|{{ xs | join(', ') }}|{{ people | join(' / ', attribute='name') }}", { xs: ["a", "b"], people })).toBe("ab|a, b|bo / Al / cy");
    expect(r("{{ xs | first }} {{ xs | last }} {{ 'abc' | first }} {{ [] | first }}|", { xs: [3, 4, 5] })).toBe("3 5 a |");
  });

  it("applies defaults for undefined and, with boolean, falsy values", () => {
    expect(r("{{ x | default('a') }} {{ y | default('b') }} {{ y | d('c', true) }} {{ none | default('n') }}", { y: "" })).toBe("a  c None");
  });

  it("converts to lists, sorts, reverses and deduplicates", () => {
    expect(r("{{ 'ab' | list }} {{ d | list }}", { d: { k: 1, j: 2 } })).toBe("['a', 'b'] ['k', 'j']");
    expect(r("{{ ['b', 'C', 'a'] | sort }} {{ ['b', 'C', 'a'] | sort(case_sensitive=true) }} {{ [3, 1, 2] | sort(reverse=true) }}")).toBe(
      "['a', 'b', 'C'] ['C', 'a', 'b'] [3, 2, 1]",
    );
    expect(r("{{ people | sort(attribute='age') | map(attribute='name') | join(',') }}", { people })).toBe("Al,bo,cy");
    expect(r("{{ people | sort(attribute='team.id,name') | map(attribute='name') | join(',') }}", { people })).toBe("Al,cy,bo");
    expect(r("{{ [1, 2, 3] | reverse | list }} {{ 'abc' | reverse }} {{ ['a', 'A', 'b', 'a'] | unique | list }} {{ ['a', 'A'] | unique(true) | list }}")).toBe(
      "[3, 2, 1] cba ['a', 'b'] ['a', 'A']",
    );
  });

  it("aggregates with min, max and sum", () => {
    expect(
      r("{{ [3, 1, 2] | min }} {{ [3, 1, 2] | max }} {{ ['b', 'A'] | min }} {{ people | max(attribute='age') }}", { people: [{ age: 1 }, { age: 9 }] }),
    ).toBe("1 3 A {'age': 9}");
    expect(r("{{ [1, 2, 3] | sum }} {{ people | sum(attribute='age') }} {{ [1] | sum(start=10) }} [{{ [] | max }}]", { people })).toBe("6 90 11 []");
  });

  it("maps attributes and filters, selects and rejects by test", () => {
    expect(
      r("{{ people | map(attribute='team.id') | list }} {{ ['a', 'b'] | map('upper') | list }} {{ people | map(attribute='nope', default='?') | list }}", {
        people,
      }),
    ).toBe("[2, 1, 1] ['A', 'B'] ['?', '?', '?']");
    expect(
      r(
        "{{ [1, 2, 3, 4] | select('even') | list }} {{ [1, 2, 3, 4] | reject('odd') | list }} {{ [0, 1, '', 'x'] | select | list }} {{ [1, 5, 9] | select('gt', 4) | list }}",
      ),
    ).toBe("[2, 4] [2, 4] [1, 'x'] [5, 9]");
    expect(
      r("{{ people | selectattr('age', 'gt', 28) | map(attribute='name') | join }} {{ people | rejectattr('name', 'eq', 'bo') | length }}", { people }),
    ).toBe("bocy 2");
  });

  it("batches, sorts dicts and lists items", () => {
    expect(r("{{ [1, 2, 3, 4, 5] | batch(2) | list }} {{ [1, 2, 3] | batch(2, 0) | list }}")).toBe("[[1, 2], [3, 4], [5]] [[1, 2], [3, 0]]");
    expect(r("{{ d | dictsort }} {{ d | dictsort(by='value') }} {{ d | dictsort(reverse=true) | first }}", { d: { b: 1, a: 2 } })).toBe(
      "[['a', 2], ['b', 1]] [['b', 1], ['a', 2]] ['b', 1]",
    );
    expect(r("{% for k, v in d | items %}{{ k }}{{ v }}{% endfor %}", { d: { x: 1, y: 2 } })).toBe("x1y2");
  });

  it("fails with a located error on a bad argument", () => {
    const call = (): string => r("\n{{ xs | batch('two') }}", { xs: [1] });
    expect(call).toThrow(TemplateError);
    expect(call).toThrow(/line 2.*linecount must be an integer/);
    expect(() => r("{{ 'x' | truncate(length=1, bogus=2) }}")).toThrow(/unexpected keyword argument 'bogus'/);
  });
});
