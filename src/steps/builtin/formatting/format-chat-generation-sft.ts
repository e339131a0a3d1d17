import type { Row, StepColumns } from "../../../core/row.js";
import { Step } from "../../base-step.js";
import type { StepContext } from "../../step-context.js";
import { firstUserPrompt, promptId, requireMessages } from "../support/format-helpers.js";
import { requireColumn } from "../../../core/row-checks.js";

/**
 * Formats a chat (`messages`) + `generation` for supervised fine-tuning (distilabel's
 * `FormatChatGenerationSFT`): `prompt` is the first user turn, `prompt_id` its SHA-256, and
 * `messages` gets the generation appended as an assistant turn.
 *
 * @example
 * new FormatChatGenerationSFT();
 */
export class FormatChatGenerationSFT extends Step {
  static override readonly typeName = "FormatChatGenerationSFT";
  static override readonly inputs: StepColumns = ["messages", "generation"];
  static override readonly outputs: StepColumns = ["prompt", "prompt_id", "messages"];

  async process(inputs: Row[][], _context?: StepContext): Promise<Row[]> {
    return (inputs[0] ?? []).map((row, index) => {
      const where = { step: this.name, row: index };
      const messages = requireMessages(row, where);
      const prompt = firstUserPrompt(messages, where);
      const generation = requireColumn(row, "generation", where);
      return { ...row, prompt, prompt_id: promptId(prompt), messages: [...messages, { role: "assistant", content: generation }] };
    });
  }
}
