import { z } from "zod";
import { attribute } from "../../components/attributes.js";
import type { AnyObjectSchema } from "../../components/component.js";
import { seededRandom } from "../../core/random.js";
import type { Row, StepColumns } from "../../core/row.js";
import type { ChatType, FormattedInput } from "../../llms/types.js";
import type { GeneratorOutput } from "../../steps/base-step.js";
import type { StepContext } from "../../steps/step-context.js";
import { chooseOption, HIGH_SCORES, LOW_SCORES, TRIPLET_DIFFICULTIES, UNITS } from "./embedding-data-options.js";
import { readJsonFields } from "./embedding-data-reply.js";
import { formatOutputs, GeneratorTask, generatorTaskAttributes, type TaskAttrs, type TaskLike } from "../base/task.js";

/** What the triplet generators have: the seed of their sampled options. */
export const embeddingDataGeneratorAttributes = generatorTaskAttributes.extend({
  seed: attribute(z.number().int().default(42), "Seed of the options drawn at random when left unset, so a rerun sends the same prompt."),
});

/** The options the two triplet generators share. */
export const tripletOptions = {
  unit: attribute(z.enum(UNITS).optional(), "What each text is: sentence, phrase or passage; unset, drawn with `seed`."),
  difficulty: attribute(
    z.enum(TRIPLET_DIFFICULTIES).optional(),
    "Education needed to understand the texts: elementary school, high school or college; unset, drawn with `seed`.",
  ),
  highScore: attribute(z.enum(HIGH_SCORES).optional(), "Score of S2 against S1 (1 to 5): 4, 4.5 or 5; unset, drawn with `seed`."),
  lowScore: attribute(z.enum(LOW_SCORES).optional(), "Score of S3 against S1 (1 to 5): 2.5, 3 or 3.5; unset, drawn with `seed`."),
};

/** The triplet options of a prompt: the ones set, the others drawn with `random`. */
export function tripletChoices(
  options: { unit?: string | undefined; difficulty?: string | undefined; highScore?: string | undefined; lowScore?: string | undefined },
  random: () => number,
): { unit: string; difficulty: string; high_score: string; low_score: string } {
  return {
    unit: chooseOption(options.unit, UNITS, random),
    difficulty: chooseOption(options.difficulty, TRIPLET_DIFFICULTIES, random),
    high_score: chooseOption(options.highScore, HIGH_SCORES, random),
    low_score: chooseOption(options.lowScore, LOW_SCORES, random),
  };
}

/**
 * Sends one prompt with `num_generations` and returns one row per generation (with metadata and
 * `model_name`), as distilabel's embedding generators do; `group_generations` does not apply.
 */
export async function generateFromPrompt(task: TaskLike, prompt: FormattedInput, context: StepContext): Promise<Row[]> {
  const [output] = await task.attrs.llm.generate([prompt], { numGenerations: task.attrs.numGenerations, context });
  if (!output) return [];
  // The empty row stands for "no input": formatInput ignores it and gives the prompt back as raw input.
  return formatOutputs(task, output, {}, context.logger).map((row) => ({ ...row, model_name: task.attrs.llm.modelName }));
}

/**
 * Root tasks of "Improving Text Embeddings with LLMs" (arXiv:2401.00368) that need no input:
 * one prompt (its unset options drawn with `seed`) sent once with `num_generations`, one JSON
 * reply per row, all in a single last batch (distilabel's `_EmbeddingDataGenerator`).
 */
export abstract class EmbeddingDataGenerator<S extends AnyObjectSchema> extends GeneratorTask<S> {
  declare attrs: z.output<S> & TaskAttrs & z.output<typeof embeddingDataGeneratorAttributes>;

  /** The JSON keys of the reply, which are also the output columns. */
  static readonly keys: readonly string[] = [];

  get keys(): readonly string[] {
    return (this.constructor as typeof EmbeddingDataGenerator).keys;
  }

  /** The prompt; `random` draws the options left unset. */
  protected abstract userPrompt(random: () => number): string;

  override get outputs(): StepColumns {
    return [...this.keys, "model_name"];
  }

  /** The one prompt this generator sends (the row is not used). */
  override formatInput(_row: Row): ChatType {
    return [{ role: "user", content: this.userPrompt(seededRandom(String(this.attrs.seed))) }];
  }

  formatOutput(output: string | null): Row {
    return readJsonFields(output, this.keys);
  }

  async generate(offset: number, context: StepContext): Promise<GeneratorOutput> {
    // Everything comes in the first batch; a resumed run past it has nothing left to make.
    if (offset > 0) return { rows: [], lastBatch: true };
    return { rows: await generateFromPrompt(this, this.formatInput({}), context), lastBatch: true };
  }
}
