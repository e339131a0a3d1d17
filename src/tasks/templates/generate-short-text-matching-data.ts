/**
 * GenerateShortTextMatchingData prompt, after "Improving Text Embeddings with Large Language
 * Models" (Wang et al. 2024, arXiv:2401.00368): for one brainstormed short text matching task,
 * the LLM writes a short input and its short matching text. The reply is one JSON object.
 * Variables: `task`, `language`.
 */
export const GENERATE_SHORT_TEXT_MATCHING_DATA_TEMPLATE = `Here is a short text matching task: {{ task }}

Write one training example for this task as a JSON object with exactly these keys:
- "input": an input text for this task.
- "positive_document": the text that matches the input as the task describes.

Requirements:
- Both texts are short: a sentence or a phrase each.
- The two texts share as few words as possible, so that matching them takes understanding rather than word overlap.
- Each text reads naturally on its own; neither refers to the other.
- Write both texts in {{ language }}.

Reply with the JSON object only, with no text before or after it.`;
