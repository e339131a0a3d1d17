import { z } from "zod";
import { attribute } from "../../components/attributes.js";
import type { Row } from "../../core/row.js";
import type { ChatType } from "../../llms/types.js";
import { renderTemplate } from "../../templates/render.js";
import { extractJsonObject, toIntegerOrNull } from "../support/reply-json.js";
import { stringInput } from "../support/row-inputs.js";
import { Task, taskAttributes } from "../base/task.js";
import { INSTRUCTION_BACKTRANSLATION_TEMPLATE } from "../templates/instruction-backtranslation.js";

const schema = taskAttributes.extend({
  systemPrompt: attribute(z.string().optional(), "A system message for every row; a row's `system_prompt` column takes precedence."),
});

const jsonReplySchema = z.object({ score: z.union([z.number(), z.string()]), reason: z.string().optional() });
/** "Score: 4" (also "**Score:** 4", "score = 4"); the last one in the reply is the verdict. */
const SCORE = /[*_]*score[*_]*[ \t]*[:=][ \t]*[*_]*[ \t]*(\d+)(?:[ \t]*\/[ \t]*5)?/gi;

/**
 * Rates how well `generation` serves as an AI assistant's answer to `instruction`, on a 5-point
 * scale with a reason: the self-curation step of "Self-Alignment with Instruction
 * Backtranslation" (arXiv:2308.06259). Outputs `score` (1-5, else null) and `reason`.
 *
 * @example
 * new InstructionBacktranslation({ llm });
 */
export class InstructionBacktranslation extends Task<typeof schema> {
  static override readonly typeName = "InstructionBacktranslation";
  static override readonly attributes = schema;
  static override readonly inputs = { instruction: true, generation: true, system_prompt: false };
  static override readonly outputs = ["score", "reason", "model_name"];

  formatInput(row: Row): ChatType {
    const instruction = stringInput(row, "instruction", this.name);
    const generation = stringInput(row, "generation", this.name);
    const messages: ChatType = [];
    const system = typeof row.system_prompt === "string" ? row.system_prompt : this.attrs.systemPrompt;
    if (system) messages.push({ role: "system", content: system });
    messages.push({ role: "user", content: renderTemplate(INSTRUCTION_BACKTRANSLATION_TEMPLATE, { instruction, generation }) });
    return messages;
  }

  formatOutput(output: string | null, _input: Row | undefined): Row {
    if (output === null) return { score: null, reason: null };
    const json = extractJsonObject(output, jsonReplySchema);
    if (json) {
      const score = toIntegerOrNull(json.score);
      return score !== null && score >= 1 && score <= 5 ? { score, reason: json.reason?.trim() ?? null } : { score: null, reason: null };
    }
    const matches = [...output.matchAll(SCORE)];
    const last = matches.at(-1);
    const score = last ? Number(last[1]) : NaN;
    if (!last || score < 1 || score > 5) return { score: null, reason: null };
    const before = output.slice(0, last.index).trim();
    const reason = (before || output.slice((last.index ?? 0) + last[0].length).trim())
      .replace(/^(?:#+[ \t]*)?[*_]*[ \t]*(?:reasoning|reason|explanation)[ \t]*[*_]*[ \t]*:[ \t]*[*_]*/i, "")
      .trim();
    return { score, reason: reason || null };
  }
}
