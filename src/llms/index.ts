import type { ComponentClass } from "../components/component.js";

export { LLM, Embeddings, llmAttributes, rateLimitsSchema, type GenerateOptions, type LLMClass } from "./llm.js";
export * from "./types.js";

/** Every built-in LLM and embeddings class, for the default registry. */
export const BUILTIN_LLMS: ComponentClass[] = [];
