/**
 * ComplexityScorer prompt (DEITA, Liu et al. 2023, arXiv:2312.15685): the LLM ranks a group of
 * instructions, usually evolutions of one seed, by how complex they are to carry out.
 * Variables: `instructions` (list of strings).
 */
export const COMPLEXITY_SCORER_TEMPLATE = `You will compare {{ instructions | length }} instructions and rank them by how difficult and complex each one is to carry out well.

Judge the effort a capable assistant would need: the knowledge it calls for, the number of reasoning steps, the constraints to respect and the sub-tasks to combine. Give every instruction a score from 1 (the simplest of the group) to {{ instructions | length }} (the most complex of the group); instructions that are equally demanding may share a score. An instruction too complex for you to answer at all may get {{ instructions | length + 1 }}.

Reply with one line per instruction, in the order given, exactly in this format and with nothing else:
{% for instruction in instructions %}[{{ loop.index }}] Score: <score>
{% endfor %}
## Instructions
{% for instruction in instructions %}
[{{ loop.index }}] {{ instruction }}
{% endfor %}`;
