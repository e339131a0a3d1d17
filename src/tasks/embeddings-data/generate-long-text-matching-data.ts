import { TextMatchingData } from "./text-matching-data.js";
import { GENERATE_LONG_TEXT_MATCHING_DATA_TEMPLATE } from "../templates/generate-long-text-matching-data.js";

/**
 * Writes a long text matching example for each `task` (distilabel's
 * `GenerateLongTextMatchingData`, after "Improving Text Embeddings with LLMs",
 * arXiv:2401.00368): `input` and `positive_document`, long documents each. Nothing is sampled,
 * so `seed` has no effect.
 *
 * @example
 * new GenerateLongTextMatchingData({ llm, language: "French" });
 */
export class GenerateLongTextMatchingData extends TextMatchingData {
  static override readonly typeName: string = "GenerateLongTextMatchingData";
  protected readonly template = GENERATE_LONG_TEXT_MATCHING_DATA_TEMPLATE;
}
