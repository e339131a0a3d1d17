/**
 * SelfInstruct prompt, after "Self-Instruct: Aligning Language Models with Self-Generated
 * Instructions" (Wang et al. 2022, arXiv:2212.10560): the LLM writes new task instructions
 * grounded in a seed text, for a given application. One instruction per line.
 * Variables: `input`, `num_instructions`, `application_description`, `criteria_for_query_generation`.
 */
export const SELF_INSTRUCT_TEMPLATE = `You are helping to build a dataset of requests that users send to this AI application: {{ application_description }}.

Write {{ num_instructions }} new requests that a user of the application could realistically send. Each request must relate to the context below.

Follow these guidelines:
{{ criteria_for_query_generation }}

Context:
{{ input }}

Reply with exactly {{ num_instructions }} lines, one request per line. Do not number them, do not add bullets, blank lines, headings or any other comment.`;

/** The default `criteria_for_query_generation`: diverse, short, self-contained requests. */
export const SELF_INSTRUCT_DEFAULT_CRITERIA = [
  "- Vary the verbs and the kind of task from one request to the next; do not repeat yourself.",
  "- Keep every request to one or two sentences that a text-only AI model can act on.",
  "- Make every request self-contained: it must make sense on its own, without the others.",
  '- Mix questions (such as "Why does x happen?") with direct instructions (such as "Outline the steps of x.").',
].join("\n");

export const SELF_INSTRUCT_DEFAULT_APPLICATION = "AI assistant";
