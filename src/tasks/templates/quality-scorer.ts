/**
 * QualityScorer prompt (DEITA, Liu et al. 2023, arXiv:2312.15685): the LLM ranks several
 * responses to one instruction by quality.
 * Variables: `instruction` (string), `responses` (list of strings).
 */
export const QUALITY_SCORER_TEMPLATE = `You will compare {{ responses | length }} responses written for the same instruction and rank them by quality.

Judge how well each response serves the person who wrote the instruction: is it helpful and relevant, accurate, deep enough, creative where that matters, and detailed to the right degree? Give every response a score from 1 (the weakest of the group) to {{ responses | length }} (the strongest of the group); responses of equal quality may share a score.

Reply with one line per response, in the order given, exactly in this format and with nothing else:
{% for response in responses %}[{{ loop.index }}] Score: <score>
{% endfor %}
## Instruction
{{ instruction }}

## Responses
{% for response in responses %}
[{{ loop.index }}] {{ response }}
{% endfor %}`;
