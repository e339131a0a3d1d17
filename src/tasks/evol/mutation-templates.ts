import { z } from "zod";
import { OptionError } from "../../errors.js";
import { compileTemplate } from "../../templates/render.js";
import { compileTaskTemplate } from "../support/task-template.js";

/** A `mutation_templates` option: name -> template, at least one. */
export const mutationTemplatesSchema = z
  .record(z.string(), z.string().min(1, "a mutation template cannot be empty"))
  .refine((value) => Object.keys(value).length > 0, "mutation_templates needs at least one template");

/**
 * Placeholders of distilabel's own mutation templates. A template holding one is filled by
 * plain replacement, so a pipeline dumped by distilabel runs unchanged; any other template is
 * Jinja2 with the same names as variables (`{{ prompt }}`, `{{ response }}`).
 */
const PLACEHOLDERS = { prompt: "<PROMPT>", response: "<RESPONSE>" } as const;
type MutationVariables = { prompt: string; response?: string };

function usesPlaceholders(template: string): boolean {
  return Object.values(PLACEHOLDERS).some((placeholder) => template.includes(placeholder));
}

/** Fills a mutation template with the text to evolve. */
export function renderMutation(template: string, variables: MutationVariables): string {
  if (usesPlaceholders(template)) {
    let out = template.replaceAll(PLACEHOLDERS.prompt, variables.prompt);
    if (variables.response !== undefined) out = out.replaceAll(PLACEHOLDERS.response, variables.response);
    return out;
  }
  return compileTemplate(template).render(variables);
}

/**
 * Checks every template at construction: Jinja2 ones must parse and read each `required`
 * variable, placeholder ones must hold each placeholder. Errors name the template.
 */
export function checkMutationTemplates(
  templates: Record<string, string>,
  owner: string,
  required: ReadonlyArray<keyof typeof PLACEHOLDERS>,
  skip: readonly string[] = [],
): void {
  for (const [name, template] of Object.entries(templates)) {
    if (skip.includes(name)) continue;
    const field = `mutation_templates.${name}`;
    if (usesPlaceholders(template)) {
      const missing = required.filter((variable) => !template.includes(PLACEHOLDERS[variable]));
      if (missing.length > 0) {
        throw new OptionError(`${owner}: mutation template '${name}' lacks ${missing.map((m) => PLACEHOLDERS[m]).join(" and ")}`, { component: owner, field });
      }
      continue;
    }
    const { variables } = compileTaskTemplate(template, owner, field);
    const missing = required.filter((variable) => !variables.includes(variable));
    if (missing.length > 0) {
      throw new OptionError(
        `${owner}: mutation template '${name}' never uses ${missing.map((m) => `{{ ${m} }}`).join(" and ")} (or distilabel's ${missing.map((m) => PLACEHOLDERS[m]).join(" and ")})`,
        { component: owner, field, expected: `a template reading ${missing.join(", ")}` },
      );
    }
  }
}

/** Picks a template name with a seeded draw. */
export function pickMutation(names: readonly string[], random: () => number): string {
  return names[Math.floor(random() * names.length)] ?? (names[0] as string);
}

/** The evolved text of a reply: what follows the last `Prompt#:` marker, trimmed. */
export function parseEvolvedPrompt(reply: string): string {
  return (reply.split("Prompt#:").at(-1) ?? "").trim();
}
