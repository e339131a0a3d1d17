/**
 * GenerateTextClassificationData prompt, after "Improving Text Embeddings with Large Language
 * Models" (Wang et al. 2024, arXiv:2401.00368): for one brainstormed classification task, the
 * LLM writes a text, its correct label and a plausible but wrong label, steered by sampled
 * clarity and education level. The reply is one JSON object.
 * Variables: `task`, `language`, `clarity`, `difficulty`.
 */
export const GENERATE_TEXT_CLASSIFICATION_DATA_TEMPLATE = `Here is a text classification task: {{ task }}

Write one training example for this task as a JSON object with exactly these keys:
- "input_text": a text to classify for this task.
- "label": the correct label of the text.
- "misleading_label": another label that is valid for this task and related to the text, but less fitting than "label".

Requirements:
- Vary the wording and style of the text; do not write it as a template.
- The text does not contain the label or the misleading label, which would make the task too easy.
- The text is {{ clarity }}, and understanding it takes a {{ difficulty }} level of education.
- Write all values in {{ language }}.

Reply with the JSON object only, with no text before or after it.`;
