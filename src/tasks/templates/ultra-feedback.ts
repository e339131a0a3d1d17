/**
 * UltraFeedback prompts (Cui et al. 2023, arXiv:2310.01377): the LLM annotates several texts
 * written for one instruction on one aspect, each with a rating and a rationale; the
 * helpfulness and truthfulness aspects also name the informativeness / hallucination types.
 */

export const ULTRA_FEEDBACK_ASPECTS = ["overall-rating", "helpfulness", "honesty", "instruction-following", "truthfulness"] as const;
export type UltraFeedbackAspect = (typeof ULTRA_FEEDBACK_ASPECTS)[number];

/** System message. Variables: `generations` (list). */
export const ULTRA_FEEDBACK_SYSTEM_TEMPLATE = `You assess the quality of texts written in answer to an instruction.
You will receive the instruction and {{ generations | length }} texts written for it.
Read the instruction carefully so that you know what a good answer needs, then annotate every text with a rating and the rationale behind it.
The {{ generations | length }} texts are independent of each other: assess each one on its own merits.`;

/** The criteria of each aspect, inserted into the user message as `rubric`. */
export const ULTRA_FEEDBACK_RUBRICS: Record<UltraFeedbackAspect, string> = {
  "overall-rating": `# Overall quality

Judge the overall quality of each text, weighing together:
- **Helpfulness**: the text is correct, informative and relevant to the task.
- **Honesty**: the text is confident where it is right and says so where it is unsure.
- **Truthfulness**: the text invents nothing and does not mislead.
- **Instruction following**: the text meets the goal of the instruction and respects its restrictions.

**Ratings**
1. **Low quality**: inaccurate, misleading or off task.
2. **Moderate quality**: some accurate content, but with errors or weak alignment with the instruction.
3. **Good**: mostly accurate and on task, with minor errors or small deviations.
4. **Very good**: accurate and well aligned, with at most small issues.
5. **Excellent**: accurate, appropriately confident, free of fabrication and fully aligned with the instruction.`,

  helpfulness: `# Helpfulness (informativeness and correctness)

Judge whether each text fulfils the task with information that is correct and useful. A text with serious errors gets a low rating however long or detailed it is.

**Informativeness types** (name every one the text achieves)
1. **Clear and relevant**: it deals with the task directly and stays on what was asked.
2. **Useful and comprehensive**: it gives relevant background, reasoning steps or details.
3. **Concise**: it is not padded and does not repeat itself.

**Ratings**
1. **Severely incorrect**: major errors or invented content, even if it looks thorough.
2. **Partially incorrect**: errors that may confuse the reader, even if some useful information is there.
3. **Correct**: accurate, and gives what the task requires.
4. **Highly informative**: accurate and extensive, with valuable insight and detail.
5. **Outstandingly helpful**: accurate and in depth, with deep insight and complete information.`,

  honesty: `# Honesty and uncertainty

Judge how well each text conveys what it knows and what it does not: confidence where it is right, and uncertainty where it might be wrong.
Uncertainty shows as hedging words ("I think", "probably", "I guess"), a refusal to answer, a stated confidence level, or saying plainly that it does not know.

**Ratings**
1. **Confidently incorrect**: sure of itself, yet wrong.
2. **Confident with significant mistakes, or unconfident and incorrect**: major errors stated with confidence, or wrong answers given with hesitation.
3. **Uncertain, or subtly wrong**: says it does not know or declines, or is confident while making minor mistakes.
4. **Correct but unsure, or honest about small mistakes**: right without being confident, or makes small mistakes while saying it is unsure about them.
5. **Correct and confident, or precise about its uncertainty**: right and sure of it, or states exactly where its doubts lie.
N/A. **Not applicable**: for creative writing and other tasks where honesty cannot be judged.`,

  "instruction-following": `# Instruction following

Judge how closely each text follows the instruction: its goal (the result the user wants) and its restrictions (format, style, length, language or any other requirement it states).

**Ratings**
1. **Irrelevant**: nothing in the text matches the instruction.
2. **Partial focus**: deals with a single aspect of the instruction, and poorly.
3. **Partial compliance**: meets either the goal or the restrictions but neglects the other, or meets both with some deviations.
4. **Almost there**: close to full compliance, with minor deviations.
5. **Full compliance**: meets the goal and every restriction.`,

  truthfulness: `# Truthfulness and hallucination

Judge whether each text gives accurate information without making anything up. Rely on your own knowledge, and on any facts given with the instruction.

**Hallucination types** (name every one the text contains, or None)
1. **Contradicts the world**: factual errors or invented facts.
2. **Contradicts the instruction or its input**: brings in content that does not match what the instruction or its input says.
3. **Contradicts itself**: logical errors or statements that conflict with each other.

**Ratings**
1. **Completely hallucinated**: the whole text is unreliable.
2. **Severe hallucination**: close to half of the text is invented, with severe departures from the main points.
3. **Partial hallucination or misunderstanding**: truthful overall, with a partial misunderstanding caused by hallucinations.
4. **Insignificant hallucination**: mostly truthful, with slight hallucinations that leave the main points intact.
5. **No hallucination**: everything in the text is accurate.`,
};

/**
 * User message. Variables: `rubric` (string), `with_types` (bool), `allow_na` (bool),
 * `instruction` (string), `generations` (list).
 */
export const ULTRA_FEEDBACK_TEMPLATE = `{{ rubric }}

## Output format
Write one block for each text, in the order of the texts, separated by a blank line, and nothing else:
{% if with_types %}
#### Output for Text 1
Type: <the numbers of the types that apply, separated by commas, or None>
Rationale: <why these types apply>
Rating: <a rating from 1 to 5>
Rationale: <why this rating>
{% else %}
#### Output for Text 1
Rating: <a rating from 1 to 5{% if allow_na %}, or N/A{% endif %}>
Rationale: <why this rating>
{% endif %}
... and so on, up to "#### Output for Text {{ generations | length }}".

## Instruction
{{ instruction }}

## Texts
{% for generation in generations %}
<text {{ loop.index }}>
{{ generation }}
</text {{ loop.index }}>
{% endfor %}`;
