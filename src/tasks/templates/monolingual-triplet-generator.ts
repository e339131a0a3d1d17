/**
 * MonolingualTripletGenerator prompt, after "Improving Text Embeddings with Large Language
 * Models" (Wang et al. 2024, arXiv:2401.00368): semantic textual similarity data as a triplet of
 * texts in one language, S2 close to S1 and S3 further away, on a 1 to 5 similarity scale with
 * sampled target scores, unit and education level. The reply is one JSON object.
 * Variables: `unit`, `language`, `high_score`, `low_score`, `difficulty`.
 */
export const MONOLINGUAL_TRIPLET_GENERATOR_TEMPLATE = `Write three texts, each a {{ unit }} in {{ language }}, whose meanings are similar to different degrees. Similarity is scored from 1 (unrelated) to 5 (same meaning).

Return them as a JSON object with exactly the keys "S1", "S2" and "S3", each holding one {{ unit }} as a string.

Requirements:
- The three {{ unit }}s share some words.
- S2 is similar to S1 with a score of {{ high_score }}.
- S3 is similar to S1 with a score of {{ low_score }}.
- Understanding them takes a {{ difficulty }} level of education; choose any topic and vary their length.

Reply with the JSON object only, with no text before or after it.`;
