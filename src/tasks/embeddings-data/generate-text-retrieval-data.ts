import { z } from "zod";
import { attribute } from "../../components/attributes.js";
import { renderTemplate } from "../../templates/render.js";
import { CLARITIES, chooseOption, DIFFICULTIES, NUM_WORDS, QUERY_LENGTHS, QUERY_TYPES } from "./embedding-data-options.js";
import { EmbeddingDataTask, embeddingDataTaskAttributes, languageAttribute } from "./embedding-data-task.js";
import { GENERATE_TEXT_RETRIEVAL_DATA_TEMPLATE } from "../templates/generate-text-retrieval-data.js";

const schema = embeddingDataTaskAttributes.extend({
  language: languageAttribute,
  queryType: attribute(z.enum(QUERY_TYPES).optional(), "How rare the query is: extremely long-tail, long-tail or common; unset, drawn per row."),
  queryLength: attribute(
    z.enum(QUERY_LENGTHS).optional(),
    "How long the query is: less than 5 words, 5 to 15 words or at least 10 words; unset, drawn per row.",
  ),
  difficulty: attribute(z.enum(DIFFICULTIES).optional(), "Education needed to understand the texts: high school, college or PhD; unset, drawn per row."),
  clarity: attribute(z.enum(CLARITIES).optional(), "How clear the query is: clear, understandable with some effort or ambiguous; unset, drawn per row."),
  numWords: attribute(z.literal(NUM_WORDS).optional(), "Minimum length of each document in words: 50, 100, 200, 300, 400 or 500; unset, drawn per row."),
});

/**
 * Writes a retrieval example for each `task` (distilabel's `GenerateTextRetrievalData`, after
 * "Improving Text Embeddings with LLMs", arXiv:2401.00368): `user_query`, `positive_document`
 * and `hard_negative_document`. Options left unset are drawn per row with `seed`.
 *
 * @example
 * new GenerateTextRetrievalData({ llm, language: "Spanish", queryType: "common", numWords: 100 });
 */
export class GenerateTextRetrievalData extends EmbeddingDataTask<typeof schema> {
  static override readonly typeName = "GenerateTextRetrievalData";
  static override readonly attributes = schema;
  static override readonly keys = ["user_query", "positive_document", "hard_negative_document"];

  protected userPrompt(task: string, random: () => number): string {
    const a = this.attrs;
    return renderTemplate(GENERATE_TEXT_RETRIEVAL_DATA_TEMPLATE, {
      task,
      language: a.language,
      query_type: chooseOption(a.queryType, QUERY_TYPES, random),
      query_length: chooseOption(a.queryLength, QUERY_LENGTHS, random),
      difficulty: chooseOption(a.difficulty, DIFFICULTIES, random),
      clarity: chooseOption(a.clarity, CLARITIES, random),
      num_words: chooseOption(a.numWords, NUM_WORDS, random),
    });
  }
}
