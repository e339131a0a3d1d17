/**
 * Magpie templates, after "Magpie: Alignment Data Synthesis from Scratch by Prompting Aligned
 * LLMs with Nothing" (Xu et al. 2024, arXiv:2406.08464). An aligned model is sent its own chat
 * template up to the header of a user turn (the pre-query template) through a completion
 * endpoint, so it writes the user's message itself; the assistant turn is then generated the
 * usual way. The chat templates below render `messages` (and, with `add_generation_prompt`,
 * open an assistant turn) in each model family's own special-token format.
 */

/** Llama 3 / 3.1 chat format. Variables: `messages`, `add_generation_prompt`. */
export const MAGPIE_LLAMA3_CHAT_TEMPLATE = `<|begin_of_text|>{% for message in messages %}<|start_header_id|>{{ message.role }}<|end_header_id|>

{{ message.content | trim }}<|eot_id|>{% endfor %}{% if add_generation_prompt %}<|start_header_id|>assistant<|end_header_id|>

{% endif %}`;

/** Qwen 2 (ChatML) format. Variables: `messages`, `add_generation_prompt`. */
export const MAGPIE_QWEN2_CHAT_TEMPLATE = `{% for message in messages %}<|im_start|>{{ message.role }}
{{ message.content }}<|im_end|>
{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant
{% endif %}`;

/** The header that opens a user turn, per model family. */
export const MAGPIE_PRE_QUERY_TEMPLATES = { llama3: "<|start_header_id|>user<|end_header_id|>\n\n", qwen2: "<|im_start|>user\n" } as const;

export const MAGPIE_CHAT_TEMPLATES: Record<keyof typeof MAGPIE_PRE_QUERY_TEMPLATES, string> = {
  llama3: MAGPIE_LLAMA3_CHAT_TEMPLATE,
  qwen2: MAGPIE_QWEN2_CHAT_TEMPLATE,
};

/** Tokens that end a turn; a completion is cut at the first one. */
export const MAGPIE_END_OF_TURN_TOKENS = ["<|eot_id|>", "<|end_of_text|>", "<|start_header_id|>", "<|im_end|>", "<|im_start|>", "<|endoftext|>"];

/** The system prompt of multi-turn conversations when none is given. */
export const MAGPIE_MULTI_TURN_SYSTEM_PROMPT =
  "You are a helpful AI assistant. The user will hold a conversation of several rounds with you: a first question, then follow-up questions about it. Give thorough, relevant and insightful answers that help the user with each of them.";
