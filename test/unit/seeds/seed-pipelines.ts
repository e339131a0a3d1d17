import { chain } from "../../../src/pipeline/chain.js";
import { Pipeline } from "../../../src/pipeline/pipeline.js";
import { sampleNSteps } from "../../../src/pipeline/routing-batch-function.js";
import { GroupColumns } from "../../../src/steps/builtin/columns/group-columns.js";
import { LoadDataFromDicts } from "../../../src/steps/builtin/loaders/load-data-from-dicts.js";
import { TextGeneration } from "../../../src/tasks/text-generation/text-generation.js";
import { ScriptedLLM } from "../../support/scripted-llm.js";

/** The prompts of the seed's `instruction-dataset-mini`, shortened to what the tests need. */
export const PROMPTS = ["Tell me a joke", "Write a haiku", "Name a colour", "Count to three", "Say hello", "Describe rain", "Pick a number"];

// distilabel step names match ^[a-zA-Z0-9_-]+$, so the seed's "gemini-1.0-pro" cannot be part of one.
export const MODELS = ["gpt-4-0125-preview", "mistral-large-2402", "gemini-1-0-pro"];

/** An LLM whose reply names its model, so a row shows which task produced it. */
export const scripted = (model: string) => new ScriptedLLM({ model, replies: [`${model} says: {input}`] });

/** The seed's generation_kwargs for every TextGeneration. */
export const SEED_PARAMETERS = (names: string[]) =>
  Object.fromEntries(names.map((name) => [name, { llm: { generation_kwargs: { temperature: 0.7, max_new_tokens: 512 } } }]));

/** Quickstart: LoadDataFromDicts (prompt -> instruction) >> TextGeneration. */
export function quickstart(options: { enableMetadata?: boolean; llm?: ScriptedLLM } = {}): Pipeline {
  return new Pipeline({
    name: "simple-text-generation-pipeline",
    description: "A simple text generation pipeline",
    enableMetadata: options.enableMetadata,
  }).build(() => {
    const load = new LoadDataFromDicts({
      name: "load_dataset",
      data: PROMPTS.map((prompt) => ({ prompt })),
      batchSize: 3,
      outputMappings: { prompt: "instruction" },
    });
    const generate = new TextGeneration({ name: "text_generation", inputBatchSize: 2, llm: options.llm ?? scripted("gpt-3.5-turbo") });
    load.connect(generate);
  });
}

/** The pipeline guide's routing example: load >> sample_n_steps(2) >> three TextGeneration >> GroupColumns. */
export function routedGuide(): Pipeline {
  return new Pipeline({ name: "pipe-name", description: "My first pipe" }).build(() => {
    const load = new LoadDataFromDicts({
      name: "load_dataset",
      data: PROMPTS.map((prompt) => ({ prompt })),
      batchSize: 2,
      outputMappings: { prompt: "instruction" },
    });
    const tasks = MODELS.map((model) => new TextGeneration({ name: `text_generation_with_${model}`, inputBatchSize: 1, llm: scripted(model) }));
    const combine = new GroupColumns({
      name: "combine_generations",
      columns: ["generation", "model_name"],
      outputColumns: ["generations", "model_names"],
      inputBatchSize: 1,
    });
    chain(load, sampleNSteps(2), tasks, combine);
  });
}

export const taskNames = () => MODELS.map((model) => `text_generation_with_${model}`);
