/**
 * Genstruct prompt (Nous Research's Genstruct 7B, after "Ada-Instruct", arXiv:2310.04484): a
 * document, then the start of a user turn; the model writes a question grounded in the document
 * and, after an `[[[Assistant]]]` marker, its answer. The `[[[Title]]]`, `[[[Content]]]`,
 * `[[[User]]]` and `[[[Assistant]]]` markers are the format the Genstruct model was trained on.
 * Variables: `title`, `content`.
 */
export const GENSTRUCT_TEMPLATE = `[[[Title]]] {{ title | trim }}
[[[Content]]] {{ content | trim }}

What follows is a conversation about the text above: a user asks an AI assistant something that the text helps to answer, and the assistant replies.

[[[User]]] `;
