/**
 * BitextRetrievalGenerator prompt, after "Improving Text Embeddings with Large Language Models"
 * (Wang et al. 2024, arXiv:2401.00368): bitext retrieval data as a text in one language and two
 * translations of it in another, a better one (S2) and a worse one (S3), on a 1 to 5 translation
 * quality scale with sampled target scores, unit and education level. The reply is one JSON
 * object. Variables: `unit`, `source_language`, `target_language`, `high_score`, `low_score`,
 * `difficulty`.
 */
export const BITEXT_RETRIEVAL_GENERATOR_TEMPLATE = `Write a {{ unit }} in {{ source_language }} and two translations of it into {{ target_language }} of different quality. Translation quality is scored from 1 (wrong) to 5 (perfect).

Return them as a JSON object with exactly the keys "S1", "S2" and "S3", each holding one {{ unit }} as a string.

Requirements:
- S1 is written in {{ source_language }}; S2 and S3 are written in {{ target_language }}.
- S2 translates S1 with a quality score of {{ high_score }}.
- S3 translates S1 with a quality score of {{ low_score }}.
- Understanding them takes a {{ difficulty }} level of education; choose any topic and length.

Reply with the JSON object only, with no text before or after it.`;
