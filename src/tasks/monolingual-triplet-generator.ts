import type { StepOptions } from "../steps/base-step.js";
import { renderTemplate } from "../templates/render.js";
import { chooseOption, HIGH_SCORES, LOW_SCORES, TRIPLET_DIFFICULTIES, UNITS } from "./embedding-data-options.js";
import { EmbeddingDataGenerator, embeddingDataGeneratorAttributes, tripletOptions } from "./embedding-data-generator.js";
import { languageAttribute } from "./embedding-data-task.js";
import { MONOLINGUAL_TRIPLET_GENERATOR_TEMPLATE } from "./templates/monolingual-triplet-generator.js";

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

  constructor(options: StepOptions<typeof schema>) {
    super(schema, options);
  }

  get keys(): readonly string[] {
    return ["S1", "S2", "S3"];
  }

  protected userPrompt(random: () => number): string {
    const a = this.attrs;
    return renderTemplate(MONOLINGUAL_TRIPLET_GENERATOR_TEMPLATE, {
      language: a.language,
      unit: chooseOption(a.unit, UNITS, random),
      difficulty: chooseOption(a.difficulty, TRIPLET_DIFFICULTIES, random),
      high_score: chooseOption(a.highScore, HIGH_SCORES, random),
      low_score: chooseOption(a.lowScore, LOW_SCORES, random),
    });
  }
}
