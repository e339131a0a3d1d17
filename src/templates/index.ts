export { compileTemplate, renderTemplate, templateVariables, type CompiledTemplate } from "./render.js";
export { TemplateError, type TemplateErrorKind } from "./template-error.js";
