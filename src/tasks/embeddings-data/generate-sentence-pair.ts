import { z } from "zod";
import { attribute } from "../../components/attributes.js";
import type { Row, StepColumns } from "../../core/row.js";
import type { ChatType } from "../../llms/types.js";
import { renderTemplate } from "../../templates/render.js";
import { extractJsonObject, objectJsonSchema } from "../support/reply-json.js";
import { stringInput } from "../support/row-inputs.js";
import { Task, taskAttributes } from "../base/task.js";
import {
  GENERATE_SENTENCE_PAIR_SYSTEM_TEMPLATE,
  GENERATE_SENTENCE_PAIR_TEMPLATE,
  SENTENCE_PAIR_ACTIONS,
  SENTENCE_PAIR_ACTION_TEXT,
  SENTENCE_PAIR_NEGATIVE_TEXT,
} from "../templates/generate-sentence-pair.js";

const schema = taskAttributes.extend({
  triplet: attribute(z.boolean().default(false), "Whether to also write a negative sentence (anchor, positive, negative triplets)."),
  action: attribute(z.enum(SENTENCE_PAIR_ACTIONS), "What the positive is to the anchor: paraphrase, semantically-similar, query or answer."),
  hardNegative: attribute(z.boolean().default(false), "Whether the negative should be a hard negative, close in wording to the anchor."),
  context: attribute(z.string().default(""), "Context shown with every anchor, to steer the sentences."),
});

const jsonReplySchema = z.object({ positive: z.string(), negative: z.string().nullish() });
/**
 * A section heading: `## Positive` alone on its line, or `**Negative:** text` / `Positive: text`
 * (a colon is required inline, so a sentence starting with "Positive" is not a heading).
 */
const SECTION = /^[ \t]*(?:#{1,6}[ \t]*)?[*_]*[ \t]*(positive|negative)(?:[ \t]+sentence)?[ \t]*[*_]*(?:[ \t]*:[ \t]*[*_]*[ \t]*|[ \t]*$)/gim;

/**
 * Writes a positive sentence for each `anchor` (and a negative one with `triplet: true`), to
 * build pairs or triplets for training embedding models. The positive paraphrases the anchor,
 * is semantically similar to it, is a query it answers, or answers it (`action`).
 *
 * @example
 * new GenerateSentencePair({ llm, action: "query", triplet: true, hardNegative: true });
 */
export class GenerateSentencePair extends Task<typeof schema> {
  static override readonly typeName = "GenerateSentencePair";
  static override readonly attributes = schema;
  static override readonly inputs = ["anchor"];

  override get outputs(): StepColumns {
    return this.attrs.triplet ? ["positive", "negative", "model_name"] : ["positive", "model_name"];
  }

  formatInput(row: Row): ChatType {
    const anchor = stringInput(row, "anchor", this.name);
    const system = renderTemplate(GENERATE_SENTENCE_PAIR_SYSTEM_TEMPLATE, {
      triplet: this.attrs.triplet,
      action_text: SENTENCE_PAIR_ACTION_TEXT[this.attrs.action],
      negative_text: this.attrs.hardNegative ? SENTENCE_PAIR_NEGATIVE_TEXT.hardNegative : SENTENCE_PAIR_NEGATIVE_TEXT.negative,
      context: this.attrs.context !== "",
    });
    return [
      { role: "system", content: system },
      { role: "user", content: renderTemplate(GENERATE_SENTENCE_PAIR_TEMPLATE, { anchor, context: this.attrs.context }) },
    ];
  }

  formatOutput(output: string | null, _input: Row | undefined): Row {
    const pick = (positive: string | null, negative: string | null): Row => (this.attrs.triplet ? { positive, negative } : { positive });
    if (output === null) return pick(null, null);
    const json = extractJsonObject(output, jsonReplySchema);
    if (json) return pick(json.positive.trim() || null, json.negative?.trim() || null);
    const sections = readSections(output);
    return pick(sections.positive ?? null, sections.negative ?? null);
  }

  override defaultStructuredOutput(): Record<string, unknown> {
    const properties: Record<string, unknown> = { positive: { type: "string", title: "Positive" } };
    if (this.attrs.triplet) properties.negative = { type: "string", title: "Negative" };
    return objectJsonSchema("Schema", properties);
  }
}

/** The text under the first `Positive` and `Negative` headings. */
function readSections(output: string): { positive?: string; negative?: string } {
  const headings = [...output.matchAll(SECTION)];
  const found: { positive?: string; negative?: string } = {};
  headings.forEach((heading, i) => {
    const key = (heading[1] ?? "").toLowerCase() as "positive" | "negative";
    if (found[key] !== undefined) return;
    const start = (heading.index ?? 0) + heading[0].length;
    const end = headings[i + 1]?.index ?? output.length;
    const text = output.slice(start, end).trim();
    if (text) found[key] = text;
  });
  return found;
}
