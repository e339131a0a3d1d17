/**
 * InstructionBacktranslation prompt: the self-curation step of "Self-Alignment with
 * Instruction Backtranslation" (Li et al. 2023, arXiv:2308.06259). The LLM rates on a 5-point
 * scale how good an instruction/answer pair is as an example of an AI assistant's reply.
 * Variables: `instruction`, `generation`.
 */
export const INSTRUCTION_BACKTRANSLATION_TEMPLATE = `You are reviewing candidate training examples for an AI assistant. Each example is a user instruction and an answer. Decide how good the answer is as an example of the way an AI assistant should reply to that instruction, using this 5-point scale:

1: The answer is incomplete, vague, off topic, controversial, or not what the user asked for. Typical signs: missing content, a numbered list that starts in the middle, an opening that only restates the question, text written as someone else's personal account, or promotional copy.
2: The answer covers most of the request but not directly: it describes a general approach instead of the actual solution, or leaves part of the request unanswered.
3: The answer is helpful, complete and self-contained, but it does not read like an assistant's reply: it looks like an excerpt from a blog post, a web page or search results, written from another person's point of view.
4: The answer is written as an AI assistant's reply and stays focused on the instruction. It is complete, clear, thorough and well organised; it could only be improved slightly, for instance by being more concise or more focused.
5: The answer is an ideal AI assistant's reply: entirely focused on helping the user, free of irrelevant sentences, knowledgeable, well written, logical, easy to follow, engaging and insightful.

First explain briefly how you arrived at your rating. Then write "Score: <rating>" on the last line, where <rating> is a number from 1 to 5.

## Instruction
{{ instruction }}

## Answer
{{ generation }}`;
