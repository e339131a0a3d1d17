import { z } from "zod";
import { attribute } from "../../components/attributes.js";
import type { Row, StepColumns } from "../../core/row.js";
import type { ChatType } from "../../llms/types.js";
import { renderTemplate } from "../../templates/render.js";
import { listInput, listLength, stringInput } from "../support/row-inputs.js";
import { objectJsonSchema } from "../support/reply-json.js";
import { Task, taskAttributes } from "../base/task.js";
import { parseUltraFeedback, RATIONALES_FOR_RATINGS } from "./ultra-feedback-parser.js";
import {
  ULTRA_FEEDBACK_ASPECTS,
  ULTRA_FEEDBACK_RUBRICS,
  ULTRA_FEEDBACK_SYSTEM_TEMPLATE,
  ULTRA_FEEDBACK_TEMPLATE,
  type UltraFeedbackAspect,
} from "../templates/ultra-feedback.js";

const schema = taskAttributes.extend({
  aspect: attribute(
    z.enum(ULTRA_FEEDBACK_ASPECTS).default("overall-rating"),
    "The aspect to rate: overall-rating, helpfulness, honesty, instruction-following or truthfulness.",
  ),
});

/** Aspects whose annotation also names informativeness / hallucination types. */
const TYPED_ASPECTS: readonly UltraFeedbackAspect[] = ["helpfulness", "truthfulness"];

/**
 * Rates several generations for one instruction on one aspect, with a rationale each
 * (UltraFeedback, arXiv:2310.01377). `helpfulness` and `truthfulness` also output `types`
 * and `rationales-for-ratings`. A row's optional `system_prompt` column replaces the task's
 * system message.
 *
 * @example
 * new UltraFeedback({ llm, aspect: "honesty", useDefaultStructuredOutput: true });
 */
export class UltraFeedback extends Task<typeof schema> {
  static override readonly typeName = "UltraFeedback";
  static override readonly attributes = schema;
  static override readonly inputs = { instruction: true, generations: true, system_prompt: false };

  get aspect(): UltraFeedbackAspect {
    return this.attrs.aspect;
  }

  private get withTypes(): boolean {
    return TYPED_ASPECTS.includes(this.aspect);
  }

  override get outputs(): StepColumns {
    const columns = this.withTypes ? ["types", "rationales", "ratings", RATIONALES_FOR_RATINGS] : ["ratings", "rationales"];
    return [...columns, "model_name"];
  }

  formatInput(row: Row): ChatType {
    const instruction = stringInput(row, "instruction", this.name);
    const generations = listInput(row, "generations", this.name);
    const system = typeof row.system_prompt === "string" ? row.system_prompt : renderTemplate(ULTRA_FEEDBACK_SYSTEM_TEMPLATE, { generations });
    const user = renderTemplate(ULTRA_FEEDBACK_TEMPLATE, {
      rubric: ULTRA_FEEDBACK_RUBRICS[this.aspect],
      with_types: this.withTypes,
      allow_na: this.aspect === "honesty",
      instruction,
      generations,
    });
    return [
      { role: "system", content: system },
      { role: "user", content: user },
    ];
  }

  formatOutput(output: string | null, input: Row | undefined): Row {
    return parseUltraFeedback(output, listLength(input, "generations"), this.withTypes);
  }

  /** distilabel's SchemaUltraFeedback / SchemaUltraFeedbackWithType; a rating may be null (N/A). */
  override defaultStructuredOutput(): Record<string, unknown> {
    const integerOrNull = { anyOf: [{ type: "integer" }, { type: "null" }] };
    const strings = { type: "array", items: { type: "string" } };
    const ratings = { type: "array", title: "Ratings", items: integerOrNull };
    const rationales = { ...strings, title: "Rationales" };
    if (!this.withTypes) return objectJsonSchema("SchemaUltraFeedback", { ratings, rationales });
    return objectJsonSchema("SchemaUltraFeedbackWithType", {
      types: { type: "array", title: "Types", items: integerOrNull },
      ratings,
      rationales,
      rationales_for_rating: { ...strings, title: "Rationales For Rating" },
    });
  }
}
