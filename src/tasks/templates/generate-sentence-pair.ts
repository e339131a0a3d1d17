/**
 * GenerateSentencePair prompts: positive (and negative) sentences for an anchor, to train
 * sentence-embedding models with contrastive pairs or triplets.
 */

export const SENTENCE_PAIR_ACTIONS = ["paraphrase", "semantically-similar", "query", "answer"] as const;
export type SentencePairAction = (typeof SENTENCE_PAIR_ACTIONS)[number];

/** What the positive sentence must be, for each action. */
export const SENTENCE_PAIR_ACTION_TEXT: Record<SentencePairAction, string> = {
  paraphrase: "paraphrases the anchor: the same meaning in different words",
  "semantically-similar": "is semantically similar to the anchor: about the same thing, without repeating it",
  query: "is a query that the anchor answers, such as a user would type into a search engine",
  answer: "answers the anchor, as a relevant and correct reply to it",
};

/** What the negative sentence must be, plain or hard. */
export const SENTENCE_PAIR_NEGATIVE_TEXT = {
  negative: "may reuse some of the anchor's words but is unrelated to it",
  hardNegative:
    "is a hard negative: it shares keywords or phrases with the anchor and has a similar grammatical structure, yet it is not related to the anchor and could be mistaken for it. Make it as hard as you can to tell apart from the positive sentence",
} as const;

/** System message. Variables: `triplet`, `action_text`, `negative_text`, `context` (bool). */
export const GENERATE_SENTENCE_PAIR_SYSTEM_TEMPLATE = `You write sentences for training text-embedding models. Given an anchor sentence{% if context %}, and taking into account the context provided with it{% endif %}, write a positive sentence that {{ action_text }}{% if triplet %}, and a negative sentence that {{ negative_text }}{% endif %}.
Reply with {% if triplet %}exactly two sections, "## Positive" and then "## Negative", each followed by its sentence{% else %}exactly one section, "## Positive", followed by the sentence{% endif %}. Write nothing else.`;

/** User message. Variables: `anchor`, `context`. */
export const GENERATE_SENTENCE_PAIR_TEMPLATE = `{% if context %}## Context

{{ context }}

{% endif %}## Anchor

{{ anchor }}`;
