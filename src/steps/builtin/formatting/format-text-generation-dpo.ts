import type { Row, StepColumns } from "../../../core/row.js";
import { Step } from "../../base-step.js";
import type { StepContext } from "../../step-context.js";
import { promptId, systemTurn } from "../support/format-helpers.js";
import { preferenceColumns } from "../support/preference-pick.js";
import { requireString } from "../../../core/row-checks.js";

/** The DPO output columns shared by the text and chat formats. */
export const DPO_OUTPUTS = ["prompt", "prompt_id", "chosen", "chosen_model", "chosen_rating", "rejected", "rejected_model", "rejected_rating"] as const;

/**
 * Formats `instruction` + rated `generations` for direct preference optimisation (distilabel's
 * `FormatTextGenerationDPO`): `prompt`/`prompt_id` as in SFT, `chosen` the highest rated
 * generation and `rejected` the lowest (first index on ties), each as a chat that starts with
 * the system turn (when `system_prompt` is a non-empty string) and the user turn. Rows whose
 * ratings are all null keep their prompt and get null chosen/rejected columns.
 *
 * @example
 * new FormatTextGenerationDPO();
 */
export class FormatTextGenerationDPO extends Step {
  static override readonly typeName = "FormatTextGenerationDPO";
  static override readonly inputs: StepColumns = { system_prompt: false, instruction: true, generations: true, generation_models: false, ratings: true };
  static override readonly outputs: StepColumns = DPO_OUTPUTS;

  async process(inputs: Row[][], _context?: StepContext): Promise<Row[]> {
    return (inputs[0] ?? []).map((row, index) => {
      const where = { step: this.name, row: index };
      const instruction = requireString(row, "instruction", where);
      const prompt = [...systemTurn(row), { role: "user", content: instruction }];
      return { ...row, prompt: instruction, prompt_id: promptId(instruction), ...preferenceColumns(row, prompt, where) };
    });
  }
}
