import { describe, expect, it } from "vitest";
import { createDefaultRegistry } from "../../src/default-registry.js";
import { Pipeline } from "../../src/pipeline/pipeline.js";
import { LoadDataFromDicts } from "../../src/steps/builtin/loaders/load-data-from-dicts.js";
import { BitextRetrievalGenerator } from "../../src/tasks/embeddings-data/bitext-retrieval-generator.js";
import { EmbeddingTaskGenerator } from "../../src/tasks/embeddings-data/embedding-task-generator.js";
import { GenerateLongTextMatchingData } from "../../src/tasks/embeddings-data/generate-long-text-matching-data.js";
import { GenerateShortTextMatchingData } from "../../src/tasks/embeddings-data/generate-short-text-matching-data.js";
import { GenerateTextClassificationData } from "../../src/tasks/embeddings-data/generate-text-classification-data.js";
import { GenerateTextRetrievalData } from "../../src/tasks/embeddings-data/generate-text-retrieval-data.js";
import { MonolingualTripletGenerator } from "../../src/tasks/embeddings-data/monolingual-triplet-generator.js";
import { TextGenerationWithImage } from "../../src/tasks/text-generation/text-generation-with-image.js";
import { metadataOf, runThroughApi, type ApiRow } from "../support/run-rows.js";
import { ScriptedLLM } from "../support/scripted-llm.js";
import { workerHarness } from "../support/worker-harness.js";

/**
 * The vision task and the "Improving Text Embeddings with LLMs" family inside pipelines posted
 * to the HTTP API of a Worker running in workerd: each pipeline is dumped, sent as JSON, rebuilt
 * by the registry in the consumer, and each task's ScriptedLLM answers as a real model would, so
 * the parsed values (and the image content parts of the raw inputs) go through R2 and Parquet
 * into the Distiset.
 */

const registry = createDefaultRegistry().register(ScriptedLLM);
const harness = workerHarness({ registry, pipelines: {} });

const llm = (...replies: string[]): ScriptedLLM => new ScriptedLLM({ replies });
const byName = (rows: ApiRow[], column: string): unknown[] => rows.map((row) => row[column]);

describe("TextGenerationWithImage end to end in workerd", () => {
  const PHOTO = "https://example.com/photos/boardwalk.jpg";
  const PNG_BASE64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

  it("sends URL and base64 images as content parts, and keeps a row whose image is unusable", async () => {
    const data = [
      { instruction: "What is in this image?", url: PHOTO, base64: PNG_BASE64 },
      { instruction: "Which season is it?", url: "not a url", base64: PNG_BASE64 },
    ];
    const pipeline = new Pipeline({ name: "wk-more-tasks-vision", enableMetadata: true }).build(() => {
      const load = new LoadDataFromDicts({ name: "load", data, batchSize: 2 });
      load.connect(
        new TextGenerationWithImage({
          name: "vision_url",
          systemPrompt: "You describe photos.",
          inputMappings: { image: "url" },
          llm: llm("A wooden boardwalk crosses a green meadow."),
          inputBatchSize: 2,
        }),
        new TextGenerationWithImage({
          name: "vision_base64",
          imageType: "base64",
          template: "{{ instruction }} Answer in one word.",
          inputMappings: { image: "base64" },
          llm: llm("Meadow.", "Summer."),
          inputBatchSize: 2,
        }),
      );
    });
    const run = await runThroughApi(harness, pipeline);

    const byUrl = await run.rows("vision_url");
    expect(byName(byUrl, "generation")).toEqual(["A wooden boardwalk crosses a green meadow.", null]);
    expect(byName(byUrl, "url")).toEqual([PHOTO, "not a url"]);
    expect(metadataOf(byUrl[0]).raw_input_vision_url).toEqual([
      { role: "system", content: "You describe photos." },
      {
        role: "user",
        content: [
          { type: "text", text: "What is in this image?" },
          { type: "image_url", image_url: { url: PHOTO } },
        ],
      },
    ]);
    expect(String(metadataOf(byUrl[1]).error_vision_url)).toMatch(/input 'image' must be an absolute URL/);

    const byBase64 = await run.rows("vision_base64");
    expect(byName(byBase64, "generation")).toEqual(["Meadow.", "Summer."]);
    // Parquet gives the content parts one struct type, so each part reads back with the other
    // kind's field as null (as a Hugging Face dataset of these chats does).
    expect(metadataOf(byBase64[1]).raw_input_vision_base64).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "Which season is it? Answer in one word.", image_url: null },
          { type: "image_url", image_url: { url: `data:image/png;base64,${PNG_BASE64}` }, text: null },
        ],
      },
    ]);
  });
});

describe("Improving Text Embeddings with LLMs end to end in workerd", () => {
  const retrievalTasks = ["Retrieve care guides that diagnose a houseplant problem.", "Find court rulings that interpret a given statute."];
  const longTasks = ["Match a customer complaint with the support article that resolves it."];
  const classificationTasks = ["Classify a restaurant review as positive, negative or mixed.", "Route an email to billing, support or sales."];
  const triplet = (s1: string, s2: string, s3: string): string => JSON.stringify({ S1: s1, S2: s2, S3: s3 });

  it("brainstorms tasks, writes examples for each, and generates monolingual and bitext triplets", async () => {
    const pipeline = new Pipeline({ name: "wk-more-tasks-embeddings", enableMetadata: true }).build(() => {
      new EmbeddingTaskGenerator({
        name: "brainstorm_retrieval",
        category: "text-retrieval",
        flattenTasks: true,
        llm: llm(JSON.stringify(retrievalTasks)),
      }).connect(
        new GenerateTextRetrievalData({
          name: "retrieval_data",
          queryType: "common",
          numWords: 50,
          llm: llm(
            // A document with raw line breaks inside its JSON string, as models write them.
            '```json\n{"user_query": "monstera yellow leaves", "positive_document": "Yellow leaves mean overwatering.\nLet the soil dry out.", "hard_negative_document": "Monstera comes from Mexico."}\n```',
            "I am not able to write legal documents.",
          ),
        }),
      );
      // A Python list literal, as models asked for "a list" often reply.
      new EmbeddingTaskGenerator({
        name: "brainstorm_short",
        category: "text-matching-short",
        flattenTasks: true,
        llm: llm("['Match a product title with another listing\\'s title for the same product.']"),
      }).connect(
        new GenerateShortTextMatchingData({
          name: "short_data",
          language: "German",
          llm: llm('{"input": "Apple iPhone 15 Pro 128GB", "positive_document": "iPhone 15 Pro (128 GB)"}'),
        }),
      );
      new EmbeddingTaskGenerator({
        name: "brainstorm_long",
        category: "text-matching-long",
        flattenTasks: true,
        llm: llm(`Here you go:\n${JSON.stringify(longTasks)}`),
      }).connect(
        new GenerateLongTextMatchingData({
          name: "long_data",
          llm: llm('{"input": "My parcel arrived crushed.", "positive_document": "Damaged deliveries: photograph the box."}'),
        }),
      );
      // Two generations, the second unreadable: its row has a null task, which the next task skips.
      new EmbeddingTaskGenerator({
        name: "brainstorm_classification",
        category: "text-classification",
        flattenTasks: true,
        numGenerations: 2,
        llm: llm(JSON.stringify(classificationTasks), "Sorry, I can't."),
      }).connect(
        new GenerateTextClassificationData({
          name: "classification_data",
          difficulty: "college",
          llm: llm(
            '{"input_text": "The pasta was cold but the tiramisu was divine.", "label": "mixed", "misleading_label": "positive"}',
            '{"input_text": "My invoice shows a double charge.", "label": "billing", "misleading_label": "support"}',
          ),
        }),
      );
      new EmbeddingTaskGenerator({ name: "brainstorm_lists", category: "text-classification", llm: llm(JSON.stringify(classificationTasks)) });
      new MonolingualTripletGenerator({
        name: "monolingual_triplets",
        unit: "sentence",
        numGenerations: 2,
        llm: llm(
          triplet("The cat sleeps on the windowsill.", "A cat naps on the window ledge.", "The dog sleeps in its kennel."),
          "Three sentences about cats.",
        ),
      });
      new BitextRetrievalGenerator({
        name: "bitext_triplets",
        targetLanguage: "French",
        llm: llm(triplet("The library opens at nine.", "La bibliothèque ouvre à neuf heures.", "La librairie est ouverte neuf.")),
      });
    });
    const run = await runThroughApi(harness, pipeline);

    const retrieval = await run.rows("retrieval_data");
    expect(retrieval.map((r) => [r.task, r.user_query, r.positive_document, r.hard_negative_document, r.model_name])).toEqual([
      [retrievalTasks[0], "monstera yellow leaves", "Yellow leaves mean overwatering.\nLet the soil dry out.", "Monstera comes from Mexico.", "scripted-model"],
      [retrievalTasks[1], null, null, null, "scripted-model"],
    ]);
    expect(metadataOf(retrieval[1]).raw_output_retrieval_data).toBe("I am not able to write legal documents.");
    const retrievalPrompt = metadataOf(retrieval[0]).raw_input_retrieval_data as Array<{ role: string; content: string }>;
    expect(retrievalPrompt[0]?.content).toContain(`Here is a text retrieval task: ${retrievalTasks[0]}`);
    expect(retrievalPrompt[0]?.content).toContain("The query is a common query of");
    expect(retrievalPrompt[0]?.content).toContain("Each document has at least 50 words.");

    const short = await run.rows("short_data");
    expect(short.map((r) => [r.task, r.input, r.positive_document])).toEqual([
      ["Match a product title with another listing's title for the same product.", "Apple iPhone 15 Pro 128GB", "iPhone 15 Pro (128 GB)"],
    ]);
    expect(String((metadataOf(short[0]).raw_input_short_data as Array<{ content: string }>)[0]?.content)).toContain("Write both texts in German.");

    const long = await run.rows("long_data");
    expect(long.map((r) => [r.task, r.input, r.positive_document])).toEqual([
      [longTasks[0], "My parcel arrived crushed.", "Damaged deliveries: photograph the box."],
    ]);

    const classification = await run.rows("classification_data");
    expect(classification.map((r) => [r.task, r.input_text, r.label, r.misleading_label])).toEqual([
      [classificationTasks[0], "The pasta was cold but the tiramisu was divine.", "mixed", "positive"],
      [classificationTasks[1], "My invoice shows a double charge.", "billing", "support"],
      [null, null, null, null],
    ]);
    expect(String(metadataOf(classification[2]).error_classification_data)).toMatch(/input 'task' must be a non-empty string/);

    const lists = await run.rows("brainstorm_lists");
    expect(lists.map((r) => [r.tasks, r.model_name])).toEqual([[classificationTasks, "scripted-model"]]);

    const monolingual = await run.rows("monolingual_triplets");
    expect(monolingual.map((r) => [r.S1, r.S2, r.S3])).toEqual([
      ["The cat sleeps on the windowsill.", "A cat naps on the window ledge.", "The dog sleeps in its kennel."],
      [null, null, null],
    ]);
    expect(metadataOf(monolingual[1]).raw_output_monolingual_triplets).toBe("Three sentences about cats.");

    const bitext = await run.rows("bitext_triplets");
    expect(bitext.map((r) => [r.S1, r.S2, r.S3, r.model_name])).toEqual([
      ["The library opens at nine.", "La bibliothèque ouvre à neuf heures.", "La librairie est ouverte neuf.", "scripted-model"],
    ]);
    expect(String((metadataOf(bitext[0]).raw_input_bitext_triplets as Array<{ content: string }>)[0]?.content)).toContain(
      "S1 is written in English; S2 and S3 are written in French.",
    );
  });
});
