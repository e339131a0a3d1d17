import type { StepClass } from "../steps/base-step.js";
import { ChatGeneration } from "./text-generation/chat-generation.js";
import { CLAIR } from "./text-generation/clair.js";
import { EvolComplexity } from "./evol/evol-complexity.js";
import { EvolComplexityGenerator } from "./evol/evol-complexity-generator.js";
import { EvolInstruct } from "./evol/evol-instruct.js";
import { EvolInstructGenerator } from "./evol/evol-instruct-generator.js";
import { EvolQuality } from "./evol/evol-quality.js";
import { Genstruct } from "./text-generation/genstruct.js";
import { Magpie } from "./magpie/magpie.js";
import { MagpieGenerator } from "./magpie/magpie-generator.js";
import { SelfInstruct } from "./text-generation/self-instruct.js";
import { StructuredGeneration } from "./text-generation/structured-generation.js";
import { TextGeneration } from "./text-generation/text-generation.js";
import { URIAL } from "./text-generation/urial.js";
import { ComplexityScorer } from "./judges/complexity-scorer.js";
import { EmbeddingGeneration } from "./embeddings-data/embedding-generation.js";
import { GenerateEmbeddings } from "./embeddings-data/generate-embeddings.js";
import { GenerateSentencePair } from "./embeddings-data/generate-sentence-pair.js";
import { InstructionBacktranslation } from "./judges/instruction-backtranslation.js";
import { PrometheusEval } from "./judges/prometheus-eval.js";
import { QualityScorer } from "./judges/quality-scorer.js";
import { TextClassification } from "./judges/text-classification.js";
import { UltraFeedback } from "./judges/ultra-feedback.js";
import { TextGenerationWithImage } from "./text-generation/text-generation-with-image.js";
import { EmbeddingTaskGenerator } from "./embeddings-data/embedding-task-generator.js";
import { GenerateTextRetrievalData } from "./embeddings-data/generate-text-retrieval-data.js";
import { GenerateShortTextMatchingData } from "./embeddings-data/generate-short-text-matching-data.js";
import { GenerateLongTextMatchingData } from "./embeddings-data/generate-long-text-matching-data.js";
import { GenerateTextClassificationData } from "./embeddings-data/generate-text-classification-data.js";
import { MonolingualTripletGenerator } from "./embeddings-data/monolingual-triplet-generator.js";
import { BitextRetrievalGenerator } from "./embeddings-data/bitext-retrieval-generator.js";

export * from "./base/task.js";
export { TextGeneration } from "./text-generation/text-generation.js";
export { ChatGeneration } from "./text-generation/chat-generation.js";
export { StructuredGeneration } from "./text-generation/structured-generation.js";
export { SelfInstruct } from "./text-generation/self-instruct.js";
export { EvolInstruct } from "./evol/evol-instruct.js";
export { EvolComplexity } from "./evol/evol-complexity.js";
export { EvolInstructGenerator } from "./evol/evol-instruct-generator.js";
export { EvolComplexityGenerator } from "./evol/evol-complexity-generator.js";
export { EvolQuality } from "./evol/evol-quality.js";
export { Genstruct } from "./text-generation/genstruct.js";
export { URIAL } from "./text-generation/urial.js";
export { CLAIR } from "./text-generation/clair.js";
export { Magpie } from "./magpie/magpie.js";
export { MagpieGenerator } from "./magpie/magpie-generator.js";
export { RowInputError } from "./support/row-input-error.js";
export { ComplexityScorer } from "./judges/complexity-scorer.js";
export { QualityScorer } from "./judges/quality-scorer.js";
export { UltraFeedback } from "./judges/ultra-feedback.js";
export { ULTRA_FEEDBACK_ASPECTS, type UltraFeedbackAspect } from "./templates/ultra-feedback.js";
export { PrometheusEval } from "./judges/prometheus-eval.js";
export { PROMETHEUS_DEFAULT_RUBRICS } from "./templates/prometheus-eval.js";
export { InstructionBacktranslation } from "./judges/instruction-backtranslation.js";
export { TextClassification } from "./judges/text-classification.js";
export { GenerateSentencePair } from "./embeddings-data/generate-sentence-pair.js";
export { SENTENCE_PAIR_ACTIONS, type SentencePairAction } from "./templates/generate-sentence-pair.js";
export { EmbeddingGeneration } from "./embeddings-data/embedding-generation.js";
export { GenerateEmbeddings, chatToText } from "./embeddings-data/generate-embeddings.js";
export { extractJsonObject } from "./support/reply-json.js";
export { TextGenerationWithImage } from "./text-generation/text-generation-with-image.js";
export { IMAGE_TYPES, type ImageType } from "./text-generation/image-url.js";
export { EmbeddingTaskGenerator } from "./embeddings-data/embedding-task-generator.js";
export { GenerateTextRetrievalData } from "./embeddings-data/generate-text-retrieval-data.js";
export { GenerateShortTextMatchingData } from "./embeddings-data/generate-short-text-matching-data.js";
export { GenerateLongTextMatchingData } from "./embeddings-data/generate-long-text-matching-data.js";
export { GenerateTextClassificationData } from "./embeddings-data/generate-text-classification-data.js";
export { MonolingualTripletGenerator } from "./embeddings-data/monolingual-triplet-generator.js";
export { BitextRetrievalGenerator } from "./embeddings-data/bitext-retrieval-generator.js";
export { EMBEDDING_TASK_CATEGORIES, type EmbeddingTaskCategory } from "./embeddings-data/embedding-data-options.js";

/** Every built-in task, for the default registry. */
export const BUILTIN_TASKS: StepClass[] = [
  TextGeneration,
  ChatGeneration,
  StructuredGeneration,
  SelfInstruct,
  EvolInstruct,
  EvolComplexity,
  EvolInstructGenerator,
  EvolComplexityGenerator,
  EvolQuality,
  Genstruct,
  URIAL,
  CLAIR,
  Magpie,
  MagpieGenerator,
  ComplexityScorer,
  QualityScorer,
  UltraFeedback,
  PrometheusEval,
  InstructionBacktranslation,
  TextClassification,
  GenerateSentencePair,
  EmbeddingGeneration,
  GenerateEmbeddings,
  TextGenerationWithImage,
  EmbeddingTaskGenerator,
  GenerateTextRetrievalData,
  GenerateShortTextMatchingData,
  GenerateLongTextMatchingData,
  GenerateTextClassificationData,
  MonolingualTripletGenerator,
  BitextRetrievalGenerator,
];
