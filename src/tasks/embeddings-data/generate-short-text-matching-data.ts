import { TextMatchingData } from "./text-matching-data.js";
import { GENERATE_SHORT_TEXT_MATCHING_DATA_TEMPLATE } from "../templates/generate-short-text-matching-data.js";

/**
 * Writes a short text matching example for each `task` (distilabel's
 * `GenerateShortTextMatchingData`, after "Improving Text Embeddings with LLMs",
 * arXiv:2401.00368): `input` and `positive_document`, a sentence or a phrase each. Nothing is sampled,
 * so `seed` has no effect.
 *
 * @example
 * new GenerateShortTextMatchingData({ llm, language: "German" });
 */
export class GenerateShortTextMatchingData extends TextMatchingData {
  static override readonly typeName: string = "GenerateShortTextMatchingData";
  protected readonly template = GENERATE_SHORT_TEXT_MATCHING_DATA_TEMPLATE;
}
