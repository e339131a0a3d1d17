import { OpenAILLM } from "../src/llms/providers/openai-llm.js";
import { chain } from "../src/pipeline/chain.js";
import { Pipeline } from "../src/pipeline/pipeline.js";
import type { PipelineCatalog, Schedule } from "../src/runtime/pipeline-catalog.js";
import { GroupColumns } from "../src/steps/builtin/columns/group-columns.js";
import { LoadDataFromDicts } from "../src/steps/builtin/loaders/load-data-from-dicts.js";
import { TextGeneration } from "../src/tasks/text-generation/text-generation.js";
import { UltraFeedback } from "../src/tasks/judges/ultra-feedback.js";

const PROMPTS = [
  "Write a haiku about distributed systems.",
  "Explain the difference between a process and a thread in two sentences.",
  "Give three tips for writing clear commit messages.",
  "What is a Durable Object, in one paragraph?",
  "Suggest a name for a synthetic data tool and justify it briefly.",
  "Summarise the idea of RLAIF for a newcomer.",
];

/** The seed quickstart: prompts mapped to `instruction`, one generation each. */
export function buildQuickstart(): Pipeline {
  return new Pipeline({ name: "quickstart", description: "A simple text generation pipeline" }).build(() => {
    const load = new LoadDataFromDicts({
      name: "load_dataset",
      data: PROMPTS.map((prompt) => ({ prompt })),
      batchSize: 2,
      outputMappings: { prompt: "instruction" },
    });
    const generate = new TextGeneration({
      name: "text_generation",
      llm: new OpenAILLM({ model: "gpt-4o-mini", generationKwargs: { temperature: 0.7, max_new_tokens: 256 } }),
      inputBatchSize: 2,
    });
    load.connect(generate);
  });
}

/** Three models answer, their answers are grouped, UltraFeedback rates them: a preference dataset. */
export function buildPreference(): Pipeline {
  return new Pipeline({ name: "preference", description: "Three generations per prompt rated by UltraFeedback" }).build(() => {
    const load = new LoadDataFromDicts({ name: "load_dataset", data: PROMPTS.map((instruction) => ({ instruction })), batchSize: 3 });
    const models = ["gpt-4o-mini", "gpt-4.1-mini", "gpt-4.1-nano"];
    const generators = models.map((model, i) => new TextGeneration({ name: `text_generation_${i}`, llm: new OpenAILLM({ model }), inputBatchSize: 3 }));
    const group = new GroupColumns({ name: "group_generations", columns: ["generation", "model_name"], outputColumns: ["generations", "generation_models"] });
    const rate = new UltraFeedback({ name: "ultrafeedback", aspect: "overall-rating", llm: new OpenAILLM({ model: "gpt-4o-mini" }) });
    chain(load, generators, group, rate);
  });
}

export const examplePipelines: PipelineCatalog = {
  quickstart: { description: "LoadDataFromDicts -> TextGeneration (the distilabel quickstart)", build: buildQuickstart },
  preference: { description: "3 x TextGeneration -> GroupColumns -> UltraFeedback", build: buildPreference },
};

/** Matches `[triggers] crons` in wrangler.toml: the quickstart every night at 03:00 UTC. */
export const exampleSchedules: Schedule[] = [{ cron: "0 3 * * *", pipeline: "quickstart" }];
