import { OpenAILLM } from "../../src/llms/providers/openai-llm.js";
import { Pipeline } from "../../src/pipeline/pipeline.js";
import { dumpPipeline } from "../../src/pipeline/serialize.js";
import { FormatTextGenerationSFT } from "../../src/steps/builtin/formatting/format-text-generation-sft.js";
import { KeepColumns } from "../../src/steps/builtin/columns/keep-columns.js";
import { LoadDataFromDicts } from "../../src/steps/builtin/loaders/load-data-from-dicts.js";
import { LoadDataFromHub } from "../../src/steps/builtin/loaders/load-data-from-hub.js";
import { TextGeneration } from "../../src/tasks/text-generation/text-generation.js";

/** The LLM case: dicts -> TextGeneration, batches of 50, one LLM behind `baseUrl`. */
export function llmPipeline(options: { rows: number; baseUrl: string; stream: boolean }): unknown {
  const pipeline = new Pipeline({ name: `bench-llm-${options.rows}` }).build(() => {
    const load = new LoadDataFromDicts({ data: Array.from({ length: options.rows }, (_, i) => ({ instruction: `prompt ${i}` })), batchSize: 50 });
    load.connect(new TextGeneration({ llm: new OpenAILLM({ model: "bench", baseUrl: options.baseUrl, stream: options.stream }), inputBatchSize: 50 }));
  });
  return dumpPipeline(pipeline);
}

function keepAndFormat(load: LoadDataFromDicts | LoadDataFromHub, inputBatchSize = 50): void {
  const keep = new KeepColumns({ columns: ["instruction", "generation"], inputBatchSize });
  load.connect(keep);
  keep.connect(new FormatTextGenerationSFT({ inputBatchSize }));
}

/** The non-LLM case from inline rows: dicts -> KeepColumns -> FormatTextGenerationSFT. */
export function dictsPipeline(rows: number): unknown {
  return dumpPipeline(
    new Pipeline({ name: `bench-dicts-${rows}` }).build(() =>
      keepAndFormat(new LoadDataFromDicts({ data: Array.from({ length: rows }, (_, i) => benchRow(i)), batchSize: 50 })),
    ),
  );
}

/** The same three steps over a dataset of the (stand-in) Hub, `batchSize` rows per batch of every step. */
export function hubPipeline(rows: number, batchSize: number): unknown {
  return dumpPipeline(new Pipeline({ name: `bench-hub-${rows}` }).build(() => keepAndFormat(new LoadDataFromHub({ name: "load", batchSize }), batchSize)));
}

export function benchRow(i: number): Record<string, unknown> {
  return { id: i, instruction: `prompt ${i}`, generation: `answer ${i}`, score: i % 7 };
}
