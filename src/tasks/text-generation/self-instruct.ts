import { z } from "zod";
import { attribute } from "../../components/attributes.js";
import type { Row } from "../../core/row.js";
import type { ChatType } from "../../llms/types.js";
import { renderTemplate } from "../../templates/render.js";
import { Task, taskAttributes } from "../base/task.js";
import { SELF_INSTRUCT_DEFAULT_APPLICATION, SELF_INSTRUCT_DEFAULT_CRITERIA, SELF_INSTRUCT_TEMPLATE } from "../templates/self-instruct.js";

const schema = taskAttributes.extend({
  numInstructions: attribute(z.number().int().positive().default(5), "How many instructions to ask for per input."),
  criteriaForQueryGeneration: attribute(z.string().default(SELF_INSTRUCT_DEFAULT_CRITERIA), "The guidelines the generated queries must follow."),
  applicationDescription: attribute(z.string().default(SELF_INSTRUCT_DEFAULT_APPLICATION), "The AI application the instructions are for."),
});

/** List markers models put in front of lines even when told not to ("1.", "2)", "-", "*"). */
const LIST_MARKER = /^\s*(?:\d{1,3}[.):]|[-*•])\s+/;

/**
 * Writes new instructions from a seed text (distilabel's `SelfInstruct`, after "Self-Instruct",
 * arXiv:2212.10560). Input `input`; output `instructions`, one per non-empty line of the reply.
 *
 * @example
 * new SelfInstruct({ llm, numInstructions: 3, applicationDescription: "a cooking assistant" });
 */
export class SelfInstruct extends Task<typeof schema> {
  static override readonly typeName = "SelfInstruct";
  static override readonly attributes = schema;
  static override readonly inputs = ["input"];
  static override readonly outputs = ["instructions", "model_name"];

  formatInput(row: Row): ChatType {
    const content = renderTemplate(SELF_INSTRUCT_TEMPLATE, {
      input: row.input,
      num_instructions: this.attrs.numInstructions,
      application_description: this.attrs.applicationDescription,
      criteria_for_query_generation: this.attrs.criteriaForQueryGeneration,
    });
    return [{ role: "user", content }];
  }

  formatOutput(output: string | null): Row {
    if (output === null) return { instructions: null };
    const instructions = output
      .split(/\r?\n/)
      .map((line) => line.replace(LIST_MARKER, "").trim())
      .filter((line) => line !== "");
    if (instructions.length === 0) throw new Error("the reply holds no instruction lines");
    return { instructions };
  }
}
