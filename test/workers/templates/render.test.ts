import { describe, expect, it } from "vitest";
import { renderTemplate } from "../../../src/templates/render.js";
import { TextGeneration } from "../../../src/tasks/text-generation/text-generation.js";
import { ScriptedLLM } from "../../support/scripted-llm.js";

// Runs the renderer inside workerd with the project's wrangler config (nodejs_compat supplies
// the `events` module nunjucks' parser requires). The vitest pool itself allows code generation
// for its module runner, so the no-eval property is proven by the unit test that renders in a
// node:vm context with code generation disabled (test/unit/templates/render.test.ts).
describe("templates inside workerd", () => {
  it("renders loops, filters, macros and slices", () => {
    const source =
      "{% macro item(x) %}- {{ x | title }}{% endmacro %}{% for x in xs if x %}{{ item(x) }}{% if not loop.last %}\n{% endif %}{% endfor %} {{ data | tojson }} {{ xs[1:] | length }}";
    expect(renderTemplate(source, { xs: ["alpha beta", "", "gamma"], data: { a: [1, null] } })).toBe('- Alpha Beta\n- Gamma {"a": [1, null]} 2');
  });

  it("builds a TextGeneration prompt from a custom template", () => {
    const task = new TextGeneration({
      llm: new ScriptedLLM(),
      template: "Q: {{ question }}\nContext: {{ context | join('; ') }}",
      columns: ["question", "context"],
    });
    expect(task.formatInput({ question: "Why?", context: ["a", "b"] })).toEqual([{ role: "user", content: "Q: Why?\nContext: a; b" }]);
  });
});
