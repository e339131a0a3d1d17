/**
 * EvolQuality mutation prompts, after DEITA ("What Makes Good Data for Alignment?", Liu et al.
 * 2023, arXiv:2312.15685): the response to an instruction is rewritten to be better in one
 * respect (helpfulness, relevance, depth, creativity, detail) while the instruction stays.
 * Variables: `prompt` (the instruction), `response` (the response to improve).
 */

function improve(method: string): string {
  return `You rewrite the answers of an AI assistant to make them better.
Improve the quality of #The Given Response#, the assistant's answer to #The Given Prompt#, by rewriting it.
The rewritten answer must be reasonable and easy for people to understand.
Keep everything that is not plain text in #The Given Prompt# and #The Given Response#, such as tables and code.
Improve the response in this way:
${method}
Stay concise: #Rewritten Response# may add only about 10 to 20 words to #The Given Response#.
The words '#The Given Response#', '#Rewritten Response#', 'given response' and 'rewritten response' must not appear in #Rewritten Response#.

#The Given Prompt#:
{{ prompt }}

#The Given Response#:
{{ response }}

#Rewritten Response#:`;
}

/** EvolQuality's default `mutation_templates` (distilabel's keys). */
export const EVOL_QUALITY_MUTATION_TEMPLATES: Readonly<Record<string, string>> = {
  HELPFULNESS: improve("Make the response more helpful to the user."),
  RELEVANCE: improve("Make the response more relevant to #The Given Prompt#."),
  DEEPENING: improve("Make the response go deeper into the subject."),
  CREATIVITY: improve("Make the response more creative."),
  DETAILS: improve("Give the response a higher level of detail."),
};
