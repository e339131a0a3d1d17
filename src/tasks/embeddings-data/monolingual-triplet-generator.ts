import { renderTemplate } from "../../templates/render.js";
import { EmbeddingDataGenerator, embeddingDataGeneratorAttributes, tripletChoices, tripletOptions } from "./embedding-data-generator.js";
import { languageAttribute } from "./embedding-data-task.js";
import { MONOLINGUAL_TRIPLET_GENERATOR_TEMPLATE } from "../templates/monolingual-triplet-generator.js";

const schema = embeddingDataGeneratorAttributes.extend({ language: languageAttribute, ...tripletOptions });

/**
 * Generates semantic-similarity triplets in one language with no input (distilabel's
 * `MonolingualTripletGenerator`, after "Improving Text Embeddings with LLMs", arXiv:2401.00368):
 * `S1`, `S2` (close to S1) and `S3` (further from it). One prompt, `num_generations` rows, one
 * batch.
 *
 * @example
 * new MonolingualTripletGenerator({ llm, language: "Italian", unit: "sentence", numGenerations: 20 });
 */
export class MonolingualTripletGenerator extends EmbeddingDataGenerator<typeof schema> {
  static override readonly typeName = "MonolingualTripletGenerator";
  static override readonly attributes = schema;
  static override readonly keys = ["S1", "S2", "S3"];

  protected userPrompt(random: () => number): string {
    const a = this.attrs;
    return renderTemplate(MONOLINGUAL_TRIPLET_GENERATOR_TEMPLATE, { language: a.language, ...tripletChoices(a, random) });
  }
}
