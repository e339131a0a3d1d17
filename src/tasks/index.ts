import type { StepClass } from "../steps/base-step.js";
import * as builtinTasks from "./builtin-tasks.js";

export * from "./base/task.js";
export * from "./builtin-tasks.js";
export { RowInputError } from "./support/row-input-error.js";
export { ULTRA_FEEDBACK_ASPECTS, type UltraFeedbackAspect } from "./templates/ultra-feedback.js";
export { PROMETHEUS_DEFAULT_RUBRICS } from "./templates/prometheus-eval.js";
export { SENTENCE_PAIR_ACTIONS, type SentencePairAction } from "./templates/generate-sentence-pair.js";
export { chatToText } from "./embeddings-data/generate-embeddings.js";
export { extractJsonObject } from "./support/reply-json.js";
export { IMAGE_TYPES, type ImageType } from "./text-generation/image-url.js";
export { EMBEDDING_TASK_CATEGORIES, type EmbeddingTaskCategory } from "./embeddings-data/embedding-data-options.js";

/** Every built-in task, for the default registry. */
export const BUILTIN_TASKS: StepClass[] = Object.values(builtinTasks);
