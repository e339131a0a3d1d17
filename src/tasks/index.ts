import type { StepClass } from "../steps/base-step.js";
import { ChatGeneration } from "./chat-generation.js";
import { CLAIR } from "./clair.js";
import { EvolComplexity } from "./evol-complexity.js";
import { EvolComplexityGenerator } from "./evol-complexity-generator.js";
import { EvolInstruct } from "./evol-instruct.js";
import { EvolInstructGenerator } from "./evol-instruct-generator.js";
import { EvolQuality } from "./evol-quality.js";
import { Genstruct } from "./genstruct.js";
import { Magpie } from "./magpie.js";
import { MagpieGenerator } from "./magpie-generator.js";
import { SelfInstruct } from "./self-instruct.js";
import { StructuredGeneration } from "./structured-generation.js";
import { TextGeneration } from "./text-generation.js";
import { URIAL } from "./urial.js";
import { ComplexityScorer } from "./complexity-scorer.js";
import { EmbeddingGeneration } from "./embedding-generation.js";
import { GenerateEmbeddings } from "./generate-embeddings.js";
import { GenerateSentencePair } from "./generate-sentence-pair.js";
import { InstructionBacktranslation } from "./instruction-backtranslation.js";
import { PrometheusEval } from "./prometheus-eval.js";
import { QualityScorer } from "./quality-scorer.js";
import { TextClassification } from "./text-classification.js";
import { UltraFeedback } from "./ultra-feedback.js";
import { TextGenerationWithImage } from "./text-generation-with-image.js";
import { EmbeddingTaskGenerator } from "./embedding-task-generator.js";
import { GenerateTextRetrievalData } from "./generate-text-retrieval-data.js";
import { GenerateShortTextMatchingData } from "./generate-short-text-matching-data.js";
import { GenerateLongTextMatchingData } from "./generate-long-text-matching-data.js";
import { GenerateTextClassificationData } from "./generate-text-classification-data.js";
import { MonolingualTripletGenerator } from "./monolingual-triplet-generator.js";
import { BitextRetrievalGenerator } from "./bitext-retrieval-generator.js";

export * from "./task.js";
export { TextGeneration } from "./text-generation.js";
export { ChatGeneration } from "./chat-generation.js";
export { StructuredGeneration } from "./structured-generation.js";
export { SelfInstruct } from "./self-instruct.js";
export { EvolInstruct } from "./evol-instruct.js";
export { EvolComplexity } from "./evol-complexity.js";
export { EvolInstructGenerator } from "./evol-instruct-generator.js";
export { EvolComplexityGenerator } from "./evol-complexity-generator.js";
export { EvolQuality } from "./evol-quality.js";
export { Genstruct } from "./genstruct.js";
export { URIAL } from "./urial.js";
export { CLAIR } from "./clair.js";
export { Magpie } from "./magpie.js";
export { MagpieGenerator } from "./magpie-generator.js";
export { RowInputError } from "./row-input-error.js";
export { ComplexityScorer } from "./complexity-scorer.js";
export { QualityScorer } from "./quality-scorer.js";
export { UltraFeedback } from "./ultra-feedback.js";
export { ULTRA_FEEDBACK_ASPECTS, type UltraFeedbackAspect } from "./templates/ultra-feedback.js";
export { PrometheusEval } from "./prometheus-eval.js";
export { PROMETHEUS_DEFAULT_RUBRICS } from "./templates/prometheus-eval.js";
export { InstructionBacktranslation } from "./instruction-backtranslation.js";
export { TextClassification } from "./text-classification.js";
export { GenerateSentencePair } from "./generate-sentence-pair.js";
export { SENTENCE_PAIR_ACTIONS, type SentencePairAction } from "./templates/generate-sentence-pair.js";
export { EmbeddingGeneration } from "./embedding-generation.js";
export { GenerateEmbeddings, chatToText } from "./generate-embeddings.js";
export { extractJsonObject } from "./reply-json.js";
export { TextGenerationWithImage } from "./text-generation-with-image.js";
export { IMAGE_TYPES, type ImageType } from "./image-url.js";
export { EmbeddingTaskGenerator } from "./embedding-task-generator.js";
export { GenerateTextRetrievalData } from "./generate-text-retrieval-data.js";
export { GenerateShortTextMatchingData } from "./generate-short-text-matching-data.js";
export { GenerateLongTextMatchingData } from "./generate-long-text-matching-data.js";
export { GenerateTextClassificationData } from "./generate-text-classification-data.js";
export { MonolingualTripletGenerator } from "./monolingual-triplet-generator.js";
export { BitextRetrievalGenerator } from "./bitext-retrieval-generator.js";
export { EMBEDDING_TASK_CATEGORIES, type EmbeddingTaskCategory } from "./embedding-data-options.js";

/** Every built-in task, for the default registry. */
export const BUILTIN_TASKS: StepClass[] = [
  TextGeneration as unknown as StepClass,
  ChatGeneration as unknown as StepClass,
  StructuredGeneration as unknown as StepClass,
  SelfInstruct as unknown as StepClass,
  EvolInstruct as unknown as StepClass,
  EvolComplexity as unknown as StepClass,
  EvolInstructGenerator as unknown as StepClass,
  EvolComplexityGenerator as unknown as StepClass,
  EvolQuality as unknown as StepClass,
  Genstruct as unknown as StepClass,
  URIAL as unknown as StepClass,
  CLAIR as unknown as StepClass,
  Magpie as unknown as StepClass,
  MagpieGenerator as unknown as StepClass,
  ComplexityScorer as unknown as StepClass,
  QualityScorer as unknown as StepClass,
  UltraFeedback as unknown as StepClass,
  PrometheusEval as unknown as StepClass,
  InstructionBacktranslation as unknown as StepClass,
  TextClassification as unknown as StepClass,
  GenerateSentencePair as unknown as StepClass,
  EmbeddingGeneration as unknown as StepClass,
  GenerateEmbeddings as unknown as StepClass,
  TextGenerationWithImage as unknown as StepClass,
  EmbeddingTaskGenerator as unknown as StepClass,
  GenerateTextRetrievalData as unknown as StepClass,
  GenerateShortTextMatchingData as unknown as StepClass,
  GenerateLongTextMatchingData as unknown as StepClass,
  GenerateTextClassificationData as unknown as StepClass,
  MonolingualTripletGenerator as unknown as StepClass,
  BitextRetrievalGenerator as unknown as StepClass,
];
