import type { Row } from "../../core/row.js";
import type { ChatType } from "../../llms/types.js";
import { renderTemplate } from "../../templates/render.js";
import { parseIndexedScores, scoresJsonSchema } from "./ranked-scores.js";
import { listInput, listLength } from "../support/row-inputs.js";
import { Task } from "../base/task.js";
import { COMPLEXITY_SCORER_TEMPLATE } from "../templates/complexity-scorer.js";

/**
 * Scores how complex each of a group of instructions is (DEITA's complexity scorer, from
 * "What Makes Good Data for Alignment?", arXiv:2312.15685).
 *
 * Input `instructions` (list of strings); output `scores` (one number per instruction, or all
 * null when the reply does not score each instruction exactly once).
 *
 * @example
 * new ComplexityScorer({ llm, useDefaultStructuredOutput: true });
 */
export class ComplexityScorer extends Task {
  static override readonly typeName = "ComplexityScorer";
  static override readonly inputs = ["instructions"];
  static override readonly outputs = ["scores", "model_name"];

  formatInput(row: Row): ChatType {
    const instructions = listInput(row, "instructions", this.name);
    return [{ role: "user", content: renderTemplate(COMPLEXITY_SCORER_TEMPLATE, { instructions }) }];
  }

  formatOutput(output: string | null, input: Row | undefined): Row {
    return { scores: parseIndexedScores(output, listLength(input, "instructions")) };
  }

  override defaultStructuredOutput(): Record<string, unknown> {
    return scoresJsonSchema("SchemaComplexityScorer");
  }
}
