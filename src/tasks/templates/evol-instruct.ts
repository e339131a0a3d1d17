/**
 * EvolInstruct mutation prompts, after "WizardLM: Empowering Large Language Models to Follow
 * Complex Instructions" (Xu et al. 2023, arXiv:2304.12244). In-depth evolving rewrites an
 * instruction to be harder in one of four ways (add a constraint, deepen, concretize, require
 * more reasoning steps); in-breadth evolving creates a new, rarer instruction of the same
 * domain. Each prompt ends with a `#...Prompt#:` marker; the reply is read after the last
 * `Prompt#:`. Variable: `prompt` (the instruction to evolve).
 */

function rewrite(method: string): string {
  return `You rewrite prompts to make them more demanding, so that even strong AI assistants such as ChatGPT or GPT-4 find them harder to handle well.
The rewritten prompt must still be reasonable, and a person must be able to understand it and answer it.
Keep everything that is not plain text in #The Given Prompt#, such as tables and code, and keep any input it contains.
Make the prompt more demanding in this way:
${method}
Stay concise: #Rewritten Prompt# may add only about 10 to 20 words to #The Given Prompt#.
The words '#The Given Prompt#', '#Rewritten Prompt#', 'given prompt' and 'rewritten prompt' must not appear in #Rewritten Prompt#.

#The Given Prompt#:
{{ prompt }}

#Rewritten Prompt#:`;
}

/** In-breadth evolving: a new prompt of the same domain, rarer, of similar length and difficulty. */
export const EVOL_BREADTH_TEMPLATE = `You create new prompts inspired by an existing one.
Take #The Given Prompt# as inspiration and write a completely new prompt that belongs to the same domain but is about something less common.
#Created Prompt# must be about as long and as complex as #The Given Prompt#, and a person must be able to understand it and answer it.
The words '#The Given Prompt#', '#Created Prompt#', 'given prompt' and 'created prompt' must not appear in #Created Prompt#.

#The Given Prompt#:
{{ prompt }}

#Created Prompt#:`;

export const EVOL_CONSTRAINTS_TEMPLATE = rewrite("Add one more constraint or requirement to #The Given Prompt#.");
export const EVOL_DEEPENING_TEMPLATE = rewrite("If #The Given Prompt# asks about particular issues, widen and deepen what it asks about them.");
export const EVOL_CONCRETIZING_TEMPLATE = rewrite("Replace general concepts in #The Given Prompt# with more specific ones.");
export const EVOL_INCREASED_REASONING_STEPS_TEMPLATE = rewrite(
  "If #The Given Prompt# can be solved with only a few simple steps of thinking, rewrite it so that it explicitly asks for reasoning in several steps.",
);

/** EvolInstruct's default `mutation_templates` (distilabel's keys). */
export const EVOL_INSTRUCT_MUTATION_TEMPLATES: Readonly<Record<string, string>> = {
  CONSTRAINTS: EVOL_CONSTRAINTS_TEMPLATE,
  DEEPENING: EVOL_DEEPENING_TEMPLATE,
  CONCRETIZING: EVOL_CONCRETIZING_TEMPLATE,
  INCREASED_REASONING_STEPS: EVOL_INCREASED_REASONING_STEPS_TEMPLATE,
  BREADTH: EVOL_BREADTH_TEMPLATE,
};

/** Starts an instruction from nothing but a few words. Variable: `prompt` (comma-separated words). */
export const EVOL_FRESH_START_TEMPLATE = "Write one question or request that uses one or more of these words: {{ prompt }}";

/** EvolInstructGenerator's default `mutation_templates`: a fresh start plus every mutation. */
export const EVOL_INSTRUCT_GENERATION_MUTATION_TEMPLATES: Readonly<Record<string, string>> = {
  FRESH_START: EVOL_FRESH_START_TEMPLATE,
  ...EVOL_INSTRUCT_MUTATION_TEMPLATES,
};
