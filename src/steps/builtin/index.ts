import type { StepClass } from "../base-step.js";
import { CombineOutputs } from "./columns/combine-outputs.js";
import { ExpandColumns } from "./columns/expand-columns.js";
import { GroupColumns } from "./columns/group-columns.js";
import { KeepColumns } from "./columns/keep-columns.js";
import { MergeColumns } from "./columns/merge-columns.js";
import { TruncateTextColumn } from "./columns/truncate-text-column.js";
import { DeitaFiltering } from "./filtering/deita-filtering.js";
import { EmbeddingDedup } from "./filtering/embedding-dedup.js";
import { FaissNearestNeighbour } from "./filtering/faiss-nearest-neighbour.js";
import { MinHashDedup } from "./filtering/minhash-dedup.js";
import { ConversationTemplate } from "./formatting/conversation-template.js";
import { FormatChatGenerationDPO } from "./formatting/format-chat-generation-dpo.js";
import { FormatChatGenerationSFT } from "./formatting/format-chat-generation-sft.js";
import { FormatTextGenerationDPO } from "./formatting/format-text-generation-dpo.js";
import { FormatTextGenerationSFT } from "./formatting/format-text-generation-sft.js";
import { PushToHub } from "./hub/push-to-hub.js";
import { DataSampler } from "./loaders/data-sampler.js";
import { LoadDataFromDicts } from "./loaders/load-data-from-dicts.js";
import { LoadDataFromDisk, LoadDataFromDistiset } from "./loaders/load-data-from-distiset.js";
import { LoadDataFromFileSystem } from "./loaders/load-data-from-file-system.js";
import { LoadDataFromHub } from "./loaders/load-data-from-hub.js";

export { CombineOutputs } from "./columns/combine-outputs.js";
export { ExpandColumns } from "./columns/expand-columns.js";
export { GroupColumns } from "./columns/group-columns.js";
export { KeepColumns } from "./columns/keep-columns.js";
export { MergeColumns } from "./columns/merge-columns.js";
export { TruncateTextColumn } from "./columns/truncate-text-column.js";
export { DeitaFiltering } from "./filtering/deita-filtering.js";
export { EmbeddingDedup, EMBEDDING_KEEP_COLUMN } from "./filtering/embedding-dedup.js";
export { FaissNearestNeighbour, resolveMetricType } from "./filtering/faiss-nearest-neighbour.js";
export { MinHashDedup, MINHASH_KEEP_COLUMN } from "./filtering/minhash-dedup.js";
export { ConversationTemplate } from "./formatting/conversation-template.js";
export { FormatChatGenerationDPO } from "./formatting/format-chat-generation-dpo.js";
export { FormatChatGenerationSFT } from "./formatting/format-chat-generation-sft.js";
export { FormatTextGenerationDPO, DPO_OUTPUTS } from "./formatting/format-text-generation-dpo.js";
export { FormatTextGenerationSFT } from "./formatting/format-text-generation-sft.js";
export { PushToHub } from "./hub/push-to-hub.js";
export { DataSampler } from "./loaders/data-sampler.js";
export { LoadDataFromDicts, makeGeneratorStep } from "./loaders/load-data-from-dicts.js";
export { LoadDataFromDistiset, LoadDataFromDisk } from "./loaders/load-data-from-distiset.js";
export { LoadDataFromFileSystem } from "./loaders/load-data-from-file-system.js";
export { LoadDataFromHub } from "./loaders/load-data-from-hub.js";
export { DISTILABEL_METADATA_KEY, mergeDistilabelMetadata } from "./support/distilabel-metadata.js";
export { getTokenizer, knownTokenizers, regexWordsTokenizer, truncateTokens, whitespaceTokenizer, type Tokenizer } from "../../kernels/tokenizers.js";
export { MinHashFamily, hashToken } from "../../kernels/minhash.js";
export { MinHashLsh, optimalLshParams, type LshParams } from "../../kernels/minhash-lsh.js";
export { readEmbeddingMatrix, type EmbeddingMatrix, type ReadEmbeddingsOptions } from "../../kernels/embedding-matrix.js";
export { exactKnn, type KnnMetric, type KnnResult } from "../../kernels/exact-knn.js";
export { nearestNeighbourDistances, normalizeRows, findZeroRow, type DistanceMetric } from "../../kernels/nearest-distance.js";

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
