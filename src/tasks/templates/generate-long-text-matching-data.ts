/**
 * GenerateLongTextMatchingData prompt, after "Improving Text Embeddings with Large Language
 * Models" (Wang et al. 2024, arXiv:2401.00368): for one brainstormed long text matching task,
 * the LLM writes a long input document and its long matching document. The reply is one JSON
 * object. Variables: `task`, `language`.
 */
export const GENERATE_LONG_TEXT_MATCHING_DATA_TEMPLATE = `Here is a long text matching task: {{ task }}

Write one training example for this task as a JSON object with exactly these keys:
- "input": an input document for this task.
- "positive_document": the document that matches the input as the task describes.

Requirements:
- Both texts are long documents of at least 300 words each.
- The two documents share as few words as possible, so that matching them takes understanding rather than word overlap.
- Each document reads naturally on its own; neither refers to the other.
- Write both documents in {{ language }}.

Reply with the JSON object only, with no text before or after it.`;
