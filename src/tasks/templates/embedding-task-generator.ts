import type { EmbeddingTaskCategory } from "../embeddings-data/embedding-data-options.js";

/**
 * EmbeddingTaskGenerator prompts, after "Improving Text Embeddings with Large Language Models"
 * (Wang et al. 2024, arXiv:2401.00368): the first of the paper's two steps asks the LLM to
 * brainstorm a pool of task definitions for one category; the second step (the Generate*Data
 * tasks) writes one training example per task. Each prompt gives a few example tasks and asks
 * for about twenty distinct ones as a JSON list of strings. No variables.
 */

const REPLY_FORMAT = `Reply with a JSON array of about 20 strings and nothing else: no heading, no numbering outside the array, no comment. Each string describes one distinct task in a single sentence. Be inventive and cover many domains.`;

export const EMBEDDING_TASK_GENERATOR_TEMPLATES: Record<EmbeddingTaskCategory, string> = {
  "text-retrieval": `We are collecting text retrieval tasks to train a text embedding model. In a text retrieval task, a search query is used to find the documents that answer it.

Some tasks of this kind, to show what we mean:
- Given a question a patient types about a symptom, find medical articles that explain its possible causes.
- Given the name of a programming error, find forum threads where someone fixed it.
- Given a claim made in a news story, find reports that confirm or refute it.

Brainstorm more retrieval tasks like these. For each one:
- say what the query is and what kind of document should be retrieved for it;
- keep it broad enough to accept many different queries, rather than a single narrow topic.

${REPLY_FORMAT}`,

  "text-matching-short": `We are collecting short text matching tasks to train a text embedding model. In such a task, two short texts (a sentence or a phrase each) are paired because they are related in a specific way.

Some tasks of this kind, to show what we mean:
- Given a product title, find a different title that names the same product.
- Given a question from a FAQ, find a rewording of it that a user might type.
- Given a short headline, find a one-sentence summary of the same event.

Brainstorm more tasks like these. For each one:
- say what the input text is and what relation its match must have to it;
- keep both sides short: a sentence or a phrase, never a whole document.

${REPLY_FORMAT}`,

  "text-matching-long": `We are collecting long text matching tasks to train a text embedding model. In such a task, two long texts (paragraphs or whole documents) are paired because they are related in a specific way.

Some tasks of this kind, to show what we mean:
- Given a scientific abstract, find another abstract that studies the same problem.
- Given a customer's detailed complaint, find the support article that resolves it.
- Given a legal contract clause, find a clause from another contract with the same effect.

Brainstorm more tasks like these. For each one:
- say what the input document is and what relation its matching document must have to it;
- make both sides substantial texts, not single sentences.

${REPLY_FORMAT}`,

  "text-classification": `We are collecting text classification tasks to train a text embedding model. In such a task, a text is assigned one label from a fixed set of labels.

Some tasks of this kind, to show what we mean:
- Classify the sentiment of a restaurant review as positive, negative or mixed.
- Decide which department (billing, technical support, sales) an incoming email should go to.
- Identify the literary genre of a book blurb.

Brainstorm more classification tasks like these. For each one:
- say what kind of text is classified and what the labels are about;
- prefer tasks whose labels need understanding of the text, not keyword spotting.

${REPLY_FORMAT}`,
};
