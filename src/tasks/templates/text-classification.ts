/**
 * TextClassification prompt: zero- or few-shot labelling with a JSON answer, the format
 * restriction studied in "Let Me Speak Freely?" (Tam et al. 2024, arXiv:2408.02442, section 4.1).
 */

export const TEXT_CLASSIFICATION_SYSTEM_PROMPT =
  "You are a text classifier. You read the text you are given and answer with the labels that classify it, and nothing else.";

/**
 * User message. Variables: `n`, `query_title`, `default_label` (display string, or empty), `context`,
 * `labels` (list of { name, description }), `examples` (list of strings), `text`.
 */
export const TEXT_CLASSIFICATION_TEMPLATE = `# Task
Classify the {{ query_title | lower }} below by assigning {% if n == 1 %}the one label that describes it best{% else %}the {{ n }} labels that describe it best{% endif %}.
Give the labels only, without explaining your choice or adding any comment.
{% if default_label %}If the text is ambiguous or too short to classify, answer {{ default_label }}.
{% endif %}{% if context %}
{{ context }}
{% endif %}
{% if labels %}## Labels
Choose only among these labels{% if labels[0].description %}, reading the description of each one carefully{% endif %}:
{% for label in labels %}- "{{ label.name }}"{% if label.description %}: {{ label.description }}{% endif %}
{% endfor %}{% else %}Use clear, widely understood terms as labels, and avoid very specific or obscure ones unless the text calls for them.
{% endif %}{% if examples %}
## Examples
Some examples of the kind of text to classify:
{% for example in examples %}- {{ example }}
{% endfor %}{% endif %}
## {{ query_title }}
\`\`\`
{{ text }}
\`\`\`

## Output format
Answer with a JSON object only, shaped like this:
{"labels": {% if n == 1 %}"<label>"{% else %}[{% for i in range(n) %}"<label {{ i + 1 }}>"{% if not loop.last %}, {% endif %}{% endfor %}]{% endif %}}`;
