import type { Row, StepColumns } from "../../../core/row.js";
import { Step } from "../../base-step.js";
import type { StepContext } from "../../step-context.js";
import { requireColumn } from "../../../core/row-checks.js";

/**
 * Builds a two-turn chat from `instruction` and `response` into `conversation`
 * (distilabel's `ConversationTemplate`).
 *
 * @example
 * // { instruction: "Hello", response: "Hi" } -> conversation: [{ role: "user", content: "Hello" }, { role: "assistant", content: "Hi" }]
 * new ConversationTemplate();
 */
export class ConversationTemplate extends Step {
  static override readonly typeName = "ConversationTemplate";
  static override readonly inputs: StepColumns = ["instruction", "response"];
  static override readonly outputs: StepColumns = ["conversation"];

  async process(inputs: Row[][], _context?: StepContext): Promise<Row[]> {
    return (inputs[0] ?? []).map((row, index) => {
      const where = { step: this.name, row: index };
      return {
        ...row,
        conversation: [
          { role: "user", content: requireColumn(row, "instruction", where) },
          { role: "assistant", content: requireColumn(row, "response", where) },
        ],
      };
    });
  }
}
