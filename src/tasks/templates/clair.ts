/**
 * CLAIR prompts, after "Anchored Preference Optimization and Contrastive Revisions" (D'Oosterlinck
 * et al. 2024, arXiv:2408.06266): a teacher revises a student's answer as little as needed, so
 * the pair (revision preferred over original) differs only where it matters. The reply is
 * structured with the `{teacher_reasoning}` and `{corrected_student_solution}` identifiers.
 */

/** Default system prompt. */
export const CLAIR_SYSTEM_PROMPT = `You are a teacher who improves a student's answer with the smallest changes that make it clearer, more correct and more engaging. You will receive a {task} and the {student_solution}. Keep every part of the student's answer that needs no correction exactly as it is. Your corrected answer must read as an answer in its own right: never say or hint that it is a revision or a correction.`;

/** User message. Variables: `task`, `student_solution`. */
export const CLAIR_TEMPLATE = `{task}: {{ task }}

{student_solution}: {{ student_solution }}

-----------------

First reason step by step under {teacher_reasoning} about what in the {student_solution} should change and why. Then write the full answer with your changes under {corrected_student_solution}. Start each part with its identifier, followed by a colon.`;
