import type { Row, StepColumns } from "../../../core/row.js";
import { Step } from "../../base-step.js";
import type { StepContext } from "../../step-context.js";
import { promptId, systemTurn } from "../support/format-helpers.js";
import { requireColumn, requireString } from "../../../core/row-checks.js";

/**
 * Formats `instruction` + `generation` for supervised fine-tuning (distilabel's
 * `FormatTextGenerationSFT`): `prompt` is the instruction, `prompt_id` its SHA-256, `messages`
 * the user/assistant chat, preceded by a system turn when `system_prompt` is a non-empty string.
 *
 * @example
 * new FormatTextGenerationSFT();
 */
export class FormatTextGenerationSFT extends Step {
  static override readonly typeName = "FormatTextGenerationSFT";
  static override readonly inputs: StepColumns = { system_prompt: false, instruction: true, generation: true };
  static override readonly outputs: StepColumns = ["prompt", "prompt_id", "messages"];

  async process(inputs: Row[][], _context?: StepContext): Promise<Row[]> {
    return (inputs[0] ?? []).map((row, index) => {
      const where = { step: this.name, row: index };
      const instruction = requireString(row, "instruction", where);
      const generation = requireColumn(row, "generation", where);
      return {
        ...row,
        prompt: instruction,
        prompt_id: promptId(instruction),
        messages: [...systemTurn(row), { role: "user", content: instruction }, { role: "assistant", content: generation }],
      };
    });
  }
}
