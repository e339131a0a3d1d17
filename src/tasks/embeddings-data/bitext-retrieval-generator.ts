import { z } from "zod";
import { attribute } from "../../components/attributes.js";
import { renderTemplate } from "../../templates/render.js";
import { EmbeddingDataGenerator, embeddingDataGeneratorAttributes, tripletChoices, tripletOptions } from "./embedding-data-generator.js";
import { BITEXT_RETRIEVAL_GENERATOR_TEMPLATE } from "../templates/bitext-retrieval-generator.js";

const schema = embeddingDataGeneratorAttributes.extend({
  sourceLanguage: attribute(z.string().min(1).default("English"), "The language of S1."),
  targetLanguage: attribute(z.string().min(1), "The language of the two translations, S2 and S3 (required)."),
  ...tripletOptions,
});

/**
 * Generates bitext retrieval triplets with no input (distilabel's `BitextRetrievalGenerator`,
 * after "Improving Text Embeddings with LLMs", arXiv:2401.00368): `S1` in the source language,
 * `S2` a good translation of it and `S3` a worse one in the target language. One prompt,
 * `num_generations` rows, one batch.
 *
 * @example
 * new BitextRetrievalGenerator({ llm, sourceLanguage: "English", targetLanguage: "Korean", numGenerations: 10 });
 */
export class BitextRetrievalGenerator extends EmbeddingDataGenerator<typeof schema> {
  static override readonly typeName = "BitextRetrievalGenerator";
  static override readonly attributes = schema;
  static override readonly keys = ["S1", "S2", "S3"];

  protected userPrompt(random: () => number): string {
    const a = this.attrs;
    return renderTemplate(BITEXT_RETRIEVAL_GENERATOR_TEMPLATE, {
      source_language: a.sourceLanguage,
      target_language: a.targetLanguage,
      ...tripletChoices(a, random),
    });
  }
}
