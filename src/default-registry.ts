import { Registry } from "./components/registry.js";
import { BUILTIN_LLMS } from "./llms/index.js";
import { sampleNStepsFactory } from "./pipeline/routing-batch-function.js";
import { BUILTIN_STEPS } from "./steps/builtin/index.js";
import { BUILTIN_TASKS } from "./tasks/index.js";

/** A registry with every built-in step, task, LLM, embeddings and routing function. */
export function createDefaultRegistry(): Registry {
  return new Registry().register(...BUILTIN_STEPS, ...BUILTIN_TASKS, ...BUILTIN_LLMS).registerRouting(sampleNStepsFactory);
}
