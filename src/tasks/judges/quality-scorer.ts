import type { Row } from "../../core/row.js";
import type { ChatType } from "../../llms/types.js";
import { renderTemplate } from "../../templates/render.js";
import { parseIndexedScores, scoresJsonSchema } from "./ranked-scores.js";
import { listInput, listLength, stringInput } from "../support/row-inputs.js";
import { Task } from "../base/task.js";
import { QUALITY_SCORER_TEMPLATE } from "../templates/quality-scorer.js";

/**
 * Scores the quality of several responses to one instruction (DEITA's quality scorer, from
 * "What Makes Good Data for Alignment?", arXiv:2312.15685).
 *
 * Inputs `instruction`, `responses` (list of strings); output `scores` (one number per
 * response, or all null when the reply does not score each response exactly once).
 *
 * @example
 * new QualityScorer({ llm, useDefaultStructuredOutput: true });
 */
export class QualityScorer extends Task {
  static override readonly typeName = "QualityScorer";
  static override readonly inputs = ["instruction", "responses"];
  static override readonly outputs = ["scores", "model_name"];

  formatInput(row: Row): ChatType {
    const instruction = stringInput(row, "instruction", this.name);
    const responses = listInput(row, "responses", this.name);
    return [{ role: "user", content: renderTemplate(QUALITY_SCORER_TEMPLATE, { instruction, responses }) }];
  }

  formatOutput(output: string | null, input: Row | undefined): Row {
    return { scores: parseIndexedScores(output, listLength(input, "responses")) };
  }

  override defaultStructuredOutput(): Record<string, unknown> {
    return scoresJsonSchema("SchemaQualityScorer");
  }
}
