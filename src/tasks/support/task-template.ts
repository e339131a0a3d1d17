import { OptionError } from "../../errors.js";
import { compileTemplate, type CompiledTemplate } from "../../templates/render.js";
import { TemplateError } from "../../templates/template-error.js";

/** Compiles a task's template option, reporting a bad one as an option error of the task. */
export function compileTaskTemplate(source: string, owner: string, field = "template"): CompiledTemplate {
  try {
    return compileTemplate(source);
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    throw new OptionError(`${owner}: option '${field}' is not a usable Jinja2 template. ${error.message}`, {
      component: owner,
      field,
      line: error.line,
      expected: "a Jinja2 template",
    });
  }
}
