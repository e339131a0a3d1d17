import {
  EVOL_CONCRETIZING_TEMPLATE,
  EVOL_CONSTRAINTS_TEMPLATE,
  EVOL_DEEPENING_TEMPLATE,
  EVOL_FRESH_START_TEMPLATE,
  EVOL_INCREASED_REASONING_STEPS_TEMPLATE,
} from "./evol-instruct.js";

/**
 * EvolComplexity mutation prompts, after DEITA ("What Makes Good Data for Alignment?", Liu et
 * al. 2023, arXiv:2312.15685): only the in-depth (complexity-raising) evolutions of WizardLM,
 * no in-breadth one, so every step makes the same instruction more complex. Variable: `prompt`.
 */
export const EVOL_COMPLEXITY_MUTATION_TEMPLATES: Readonly<Record<string, string>> = {
  CONSTRAINTS: EVOL_CONSTRAINTS_TEMPLATE,
  DEEPENING: EVOL_DEEPENING_TEMPLATE,
  CONCRETIZING: EVOL_CONCRETIZING_TEMPLATE,
  INCREASED_REASONING_STEPS: EVOL_INCREASED_REASONING_STEPS_TEMPLATE,
};

/** EvolComplexityGenerator's default `mutation_templates`. */
export const EVOL_COMPLEXITY_GENERATION_MUTATION_TEMPLATES: Readonly<Record<string, string>> = {
  FRESH_START: EVOL_FRESH_START_TEMPLATE,
  ...EVOL_COMPLEXITY_MUTATION_TEMPLATES,
};
