// Your own distilflare Worker: `npm i distilflare`, copy this file and wrangler.toml, `npx wrangler dev`.
import { LoadDataFromDicts, OpenAILLM, Pipeline, TextGeneration } from "distilflare";
import { createWorker } from "distilflare/worker";

export { PipelineRun, RunIndex, LlmRateLimiter } from "distilflare/worker";

const hello = () =>
  new Pipeline({ name: "hello" }).build(() => {
    const load = new LoadDataFromDicts({ data: [{ instruction: "Say hello" }, { instruction: "Say goodbye" }] });
    load.connect(new TextGeneration({ llm: new OpenAILLM({ model: "gpt-4o-mini" }) }));
  });

export default createWorker({ pipelines: { hello: { build: hello, description: "LoadDataFromDicts -> TextGeneration" } } });
