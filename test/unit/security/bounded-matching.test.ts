import { describe, expect, it } from "vitest";
import { compileGlob } from "../../../src/data-files/glob.js";
import { unsafeRegexReason } from "../../../src/llms/structured/bounded-regex.js";
import { checkStructuredReply } from "../../../src/llms/structured/json-schema-validator.js";
import { renderTemplate } from "../../../src/templates/render.js";
import { TemplateError } from "../../../src/templates/template-error.js";
import { testContext } from "../../support/test-context.js";
import { TextGeneration } from "../../../src/tasks/text-generation/text-generation.js";
import { ScriptedLLM } from "../../support/scripted-llm.js";

describe("globs are matched by an automaton, not a backtracking regex", () => {
  it("keeps fsspec's meaning of *, **, ? and classes", () => {
    const glob = compileGlob("runs/*/distiset/**/*.parquet");
    expect(glob.test("runs/x/distiset/default/train/00000.parquet")).toBe(true);
    expect(glob.test("runs/x/distiset/00000.parquet")).toBe(true);
    expect(glob.test("runs/x/y/distiset/a.parquet")).toBe(false);
    expect(compileGlob("data/train-[0-9]*.jsonl").test("data/train-3.jsonl")).toBe(true);
    expect(compileGlob("data/train-[!0-9]*.jsonl").test("data/train-3.jsonl")).toBe(false);
    expect(compileGlob("a?c").test("a/c")).toBe(false);
    expect(compileGlob("**").test("inputs/any/depth.json")).toBe(true);
  });

  it("answers the pathological pattern on a long key (a regex would backtrack for seconds)", () => {
    const pattern = `${"*a".repeat(30)}b`;
    const key = "a".repeat(2_000);
    expect(compileGlob(pattern).test(key)).toBe(false);
    expect(compileGlob(pattern).test(`${key}b`)).toBe(true);
  });
});

describe("regex structured output is bounded", () => {
  it("refuses nested unbounded quantifiers, backreferences and overlong patterns", () => {
    expect(unsafeRegexReason("(a+)+$")).toMatch(/nested unbounded/);
    expect(unsafeRegexReason("((ab)*c)*")).toMatch(/nested unbounded/);
    expect(unsafeRegexReason("(a)\\1")).toMatch(/backreferences/);
    expect(unsafeRegexReason("x".repeat(513))).toMatch(/at most 512/);
    expect(unsafeRegexReason("(yes|no)")).toBeUndefined();
    expect(unsafeRegexReason("\\d{3}-[a-z]+(\\.[a-z]+)?")).toBeUndefined();
  });

  it("checks no reply longer than the limit, and no unsafe pattern that reached the check", () => {
    expect(checkStructuredReply("a".repeat(20_000), { format: "regex", schema: "a*" })).toEqual({ ok: false, error: expect.stringMatching(/at most 16384/) });
    expect(checkStructuredReply("aaaa!", { format: "regex", schema: "(a+)+$" })).toEqual({ ok: false, error: expect.stringMatching(/cannot be used/) });
    expect(checkStructuredReply("yes", { format: "regex", schema: "(yes|no)" })).toEqual({ ok: true, text: "yes" });
  });
});

describe("a template render has an output and a step budget", () => {
  const overBudget = (source: string) => {
    try {
      renderTemplate(source, { n: 3 });
    } catch (error) {
      return error;
    }
    return undefined;
  };

  it("refuses building huge strings before allocating them", () => {
    for (const source of [
      '{{ "a" * 200000000 }}',
      '{{ "x" | center(300000000) }}',
      '{{ ("a" * 1000000) ~ ("b" * 1500000) }}',
      '{{ ("ab" * 1000) | replace("a", "c" * 10000) }}',
    ]) {
      const error = overBudget(source);
      expect(error, source).toBeInstanceOf(TemplateError);
      expect((error as TemplateError).kind).toBe("budget");
    }
  });

  it("stops loops and macro calls that run past the step budget", () => {
    const loops = overBudget("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}");
    expect((loops as TemplateError).message).toMatch(/step budget/);
    const macros = overBudget("{% macro f(n) %}{% if n > 0 %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(40) }}");
    expect((macros as TemplateError).kind).toBe("budget");
  });

  it("leaves ordinary templates alone", () => {
    expect(renderTemplate("{% for i in range(n) %}{{ i }}{% endfor %}", { n: 3 })).toBe("012");
  });
});

describe("a task whose template goes over budget for one row", () => {
  it("fails that row with the reason and generates the others", async () => {
    const task = new TextGeneration({
      name: "gen",
      llm: new ScriptedLLM({ replies: ["ok: {input}"] }),
      template: "{{ instruction * times }}",
      columns: ["instruction", "times"],
    });
    await task.load(testContext());
    const rows = await task.process(
      [
        [
          { instruction: "hi", times: 2 },
          { instruction: "hi", times: 200_000_000 },
        ],
      ],
      testContext(),
    );
    expect(rows[0]?.generation).toBe("ok: hihi");
    expect(rows[1]?.generation).toBeNull();
    expect(JSON.stringify(rows[1])).toMatch(/Template over budget/);
  });
});
