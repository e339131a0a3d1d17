import type { StepClass } from "../base-step.js";
import { CombineOutputs } from "./combine-outputs.js";
import { ConversationTemplate } from "./conversation-template.js";
import { DataSampler } from "./data-sampler.js";
import { DeitaFiltering } from "./deita-filtering.js";
import { EmbeddingDedup } from "./embedding-dedup.js";
import { ExpandColumns } from "./expand-columns.js";
import { FaissNearestNeighbour } from "./faiss-nearest-neighbour.js";
import { FormatChatGenerationDPO } from "./format-chat-generation-dpo.js";
import { FormatChatGenerationSFT } from "./format-chat-generation-sft.js";
import { FormatTextGenerationDPO } from "./format-text-generation-dpo.js";
import { FormatTextGenerationSFT } from "./format-text-generation-sft.js";
import { GroupColumns } from "./group-columns.js";
import { KeepColumns } from "./keep-columns.js";
import { LoadDataFromDicts } from "./load-data-from-dicts.js";
import { LoadDataFromDisk, LoadDataFromDistiset } from "./load-data-from-distiset.js";
import { LoadDataFromFileSystem } from "./load-data-from-file-system.js";
import { LoadDataFromHub } from "./load-data-from-hub.js";
import { PushToHub } from "./push-to-hub.js";
import { MergeColumns } from "./merge-columns.js";
import { MinHashDedup } from "./minhash-dedup.js";
import { TruncateTextColumn } from "./truncate-text-column.js";

export { LoadDataFromDicts, makeGeneratorStep } from "./load-data-from-dicts.js";
export { DataSampler } from "./data-sampler.js";
export { LoadDataFromHub } from "./load-data-from-hub.js";
export { LoadDataFromFileSystem } from "./load-data-from-file-system.js";
export { LoadDataFromDistiset, LoadDataFromDisk } from "./load-data-from-distiset.js";
export { PushToHub } from "./push-to-hub.js";
export { KeepColumns } from "./keep-columns.js";
export { GroupColumns } from "./group-columns.js";
export { MergeColumns } from "./merge-columns.js";
export { ExpandColumns } from "./expand-columns.js";
export { CombineOutputs } from "./combine-outputs.js";
export { DISTILABEL_METADATA_KEY, mergeDistilabelMetadata } from "./distilabel-metadata.js";
export { ConversationTemplate } from "./conversation-template.js";
export { FormatTextGenerationSFT } from "./format-text-generation-sft.js";
export { FormatChatGenerationSFT } from "./format-chat-generation-sft.js";
export { FormatTextGenerationDPO, DPO_OUTPUTS } from "./format-text-generation-dpo.js";
export { FormatChatGenerationDPO } from "./format-chat-generation-dpo.js";
export { TruncateTextColumn } from "./truncate-text-column.js";
export {
  getTokenizer,
  knownTokenizers,
  regexWordsTokenizer,
  truncateTokens,
  whitespaceTokenizer,
  type Tokenizer,
} from "../../kernels/tokenizers.js";
export { MinHashDedup, MINHASH_KEEP_COLUMN } from "./minhash-dedup.js";
export { MinHashFamily, hashToken } from "../../kernels/minhash.js";
export { MinHashLsh, optimalLshParams, type LshParams } from "../../kernels/minhash-lsh.js";
export { FaissNearestNeighbour, resolveMetricType } from "./faiss-nearest-neighbour.js";
export { EmbeddingDedup, EMBEDDING_KEEP_COLUMN } from "./embedding-dedup.js";
export { DeitaFiltering } from "./deita-filtering.js";
export {
  readEmbeddingMatrix,
  type EmbeddingMatrix,
  type ReadEmbeddingsOptions,
} from "../../kernels/embedding-matrix.js";
export { exactKnn, type KnnMetric, type KnnResult } from "../../kernels/exact-knn.js";
export {
  nearestNeighbourDistances,
  normalizeRows,
  findZeroRow,
  type DistanceMetric,
} from "../../kernels/nearest-distance.js";

/** Every built-in non-LLM step, for the default registry. */
export const BUILTIN_STEPS: StepClass[] = [
  LoadDataFromDicts,
  DataSampler,
  KeepColumns,
  GroupColumns,
  MergeColumns,
  ExpandColumns,
  CombineOutputs,
  ConversationTemplate,
  FormatTextGenerationSFT,
  FormatChatGenerationSFT,
  FormatTextGenerationDPO,
  FormatChatGenerationDPO,
  TruncateTextColumn,
  MinHashDedup,
  FaissNearestNeighbour,
  EmbeddingDedup,
  DeitaFiltering,
  LoadDataFromHub,
  LoadDataFromFileSystem,
  LoadDataFromDistiset,
  LoadDataFromDisk,
  PushToHub,
];
