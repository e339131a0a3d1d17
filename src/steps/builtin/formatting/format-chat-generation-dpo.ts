import type { Row, StepColumns } from "../../../core/row.js";
import { Step } from "../../base-step.js";
import type { StepContext } from "../../step-context.js";
import { firstUserPrompt, promptId, requireMessages } from "../support/format-helpers.js";
import { DPO_OUTPUTS } from "./format-text-generation-dpo.js";
import { preferenceColumns } from "../support/preference-pick.js";

/**
 * Formats a chat (`messages`) + rated `generations` for direct preference optimisation
 * (distilabel's `FormatChatGenerationDPO`): `prompt` is the first user turn, `prompt_id` its
 * SHA-256, `chosen`/`rejected` are the whole chat followed by the highest/lowest rated
 * generation (first index on ties). Rows whose ratings are all null get null chosen/rejected.
 *
 * @example
 * new FormatChatGenerationDPO();
 */
export class FormatChatGenerationDPO extends Step {
  static override readonly typeName = "FormatChatGenerationDPO";
  static override readonly inputs: StepColumns = { messages: true, generations: true, generation_models: false, ratings: true };
  static override readonly outputs: StepColumns = DPO_OUTPUTS;

  async process(inputs: Row[][], _context?: StepContext): Promise<Row[]> {
    return (inputs[0] ?? []).map((row, index) => {
      const where = { step: this.name, row: index };
      const messages = requireMessages(row, where);
      const prompt = firstUserPrompt(messages, where);
      return { ...row, prompt, prompt_id: promptId(prompt), ...preferenceColumns(row, messages, where) };
    });
  }
}
