/**
 * GenerateTextRetrievalData prompt, after "Improving Text Embeddings with Large Language Models"
 * (Wang et al. 2024, arXiv:2401.00368): for one brainstormed retrieval task, the LLM writes a
 * query, a document that answers it and a hard negative document that only seems to, steered by
 * sampled query type, length, clarity, length of the documents, education level and language.
 * The reply is one JSON object.
 * Variables: `task`, `language`, `query_type`, `query_length`, `clarity`, `num_words`, `difficulty`.
 */
export const GENERATE_TEXT_RETRIEVAL_DATA_TEMPLATE = `Here is a text retrieval task: {{ task }}

Write one training example for this task as a JSON object with exactly these keys:
- "user_query": a search query a user could send for this task.
- "positive_document": a document that answers the query well.
- "hard_negative_document": a document that looks relevant to the query at first sight but is less useful or less complete than the positive document.

Requirements:
- The query is a {{ query_type }} query of {{ query_length }}, and it is {{ clarity }}. Pick its topic freely.
- Write the documents as they would exist on their own, not as replies to the query; do not copy the query into them. Parts of the positive document may be about other things.
- Each document has at least {{ num_words }} words.
- Neither document explains why it is or is not relevant to the query.
- Understanding the query and the documents takes a {{ difficulty }} level of education.
- Write the query and both documents in {{ language }}.

Reply with the JSON object only, with no text before or after it.`;
