import type { StepClass } from "../base-step.js";
import { LoadDataFromDicts } from "./load-data-from-dicts.js";

export { LoadDataFromDicts, makeGeneratorStep } from "./load-data-from-dicts.js";

/** Every built-in non-LLM step, for the default registry. */
export const BUILTIN_STEPS: StepClass[] = [LoadDataFromDicts as unknown as StepClass];
