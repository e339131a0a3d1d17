import { z } from "zod";
import { attribute } from "../../components/attributes.js";
import type { Row } from "../../core/row.js";
import type { ChatType } from "../../llms/types.js";
import { renderTemplate } from "../../templates/render.js";
import { Task, taskAttributes } from "../base/task.js";
import { CLAIR_SYSTEM_PROMPT, CLAIR_TEMPLATE } from "../templates/clair.js";

const schema = taskAttributes.extend({ systemPrompt: attribute(z.string().default(CLAIR_SYSTEM_PROMPT), "The system prompt of the teacher.") });

/** Where the revision starts: the paper's identifier, or the headings models write instead. */
const REVISION_MARKERS = [
  /\{corrected_student_solution\}\s*:?/i,
  /\*\*\s*corrected student solution\s*:?\s*\*\*\s*:?/i,
  /\{worsened_student_solution\}\s*:?/i,
  /\*\*\s*worsened student solution\s*:?\s*\*\*\s*:?/i,
  /^#+\s*corrected (?:student )?solution\s*:?/im,
];
const REASONING_MARKER = /\{teacher_reasoning\}\s*:?|\*\*\s*teacher reasoning\s*:?\s*\*\*\s*:?|^#+\s*teacher reasoning\s*:?/im;

/** Splits a CLAIR reply into the rationale and the revision. */
export function parseClairReply(output: string): { revision: string; rational: string } {
  for (const marker of REVISION_MARKERS) {
    const match = marker.exec(output);
    if (!match) continue;
    const revision = output.slice(match.index + match[0].length).trim();
    const before = output.slice(0, match.index);
    const reasoning = REASONING_MARKER.exec(before);
    const rational = (reasoning ? before.slice(reasoning.index + reasoning[0].length) : before).trim();
    if (!revision) throw new Error("the revision after the {corrected_student_solution} identifier is empty");
    return { revision, rational };
  }
  throw new Error("the reply has no {corrected_student_solution} section");
}

/**
 * Minimally revises a student's answer (distilabel's `CLAIR`, "Contrastive Learning from AI
 * Revisions", arXiv:2408.06266): inputs `task`, `student_solution`; outputs `revision` and
 * `rational` (distilabel's spelling), for contrastive preference pairs.
 *
 * @example
 * new CLAIR({ llm });
 */
export class CLAIR extends Task<typeof schema> {
  static override readonly typeName = "CLAIR";
  static override readonly attributes = schema;
  static override readonly inputs = ["task", "student_solution"];
  static override readonly outputs = ["revision", "rational", "model_name"];

  formatInput(row: Row): ChatType {
    return [
      { role: "system", content: this.attrs.systemPrompt },
      { role: "user", content: renderTemplate(CLAIR_TEMPLATE, { task: row.task, student_solution: row.student_solution }) },
    ];
  }

  formatOutput(output: string | null): Row {
    if (output === null) return { revision: null, rational: null };
    return parseClairReply(output);
  }
}
