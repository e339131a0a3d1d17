/**
 * The values the "Improving Text Embeddings with LLMs" tasks (arXiv:2401.00368) draw from when
 * an option is left unset, as distilabel lists them. Sampling them per example is what makes the
 * synthetic data diverse.
 */

export const EMBEDDING_TASK_CATEGORIES = ["text-retrieval", "text-matching-short", "text-matching-long", "text-classification"] as const;
export type EmbeddingTaskCategory = (typeof EMBEDDING_TASK_CATEGORIES)[number];

export const QUERY_TYPES = ["extremely long-tail", "long-tail", "common"] as const;
export const QUERY_LENGTHS = ["less than 5 words", "5 to 15 words", "at least 10 words"] as const;
/** Education level needed to understand a query, document or text to classify. */
export const DIFFICULTIES = ["high school", "college", "PhD"] as const;
export const CLARITIES = ["clear", "understandable with some effort", "ambiguous"] as const;
export const NUM_WORDS = [50, 100, 200, 300, 400, 500] as const;

/** The granularity of generated triplets. */
export const UNITS = ["sentence", "phrase", "passage"] as const;
/** Education level for triplets (a lower range than the retrieval tasks'). */
export const TRIPLET_DIFFICULTIES = ["elementary school", "high school", "college"] as const;
/** Similarity (or translation quality) of S2 to S1, on a 1 to 5 scale. */
export const HIGH_SCORES = ["4", "4.5", "5"] as const;
/** Similarity (or translation quality) of S3 to S1, on a 1 to 5 scale. */
export const LOW_SCORES = ["2.5", "3", "3.5"] as const;

/** The option when it is set, else one value drawn from `choices`. */
export function chooseOption<T>(value: T | undefined, choices: readonly T[], random: () => number): T {
  if (value !== undefined) return value;
  return choices[Math.floor(random() * choices.length)] as T;
}
