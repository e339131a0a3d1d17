import { DistilflareError } from "../errors.js";
import type { Row } from "../core/row.js";
import type { BlobStore } from "../runtime/blob-store.js";
import { getText, putJson } from "../runtime/blob-store.js";
import { BatchReader } from "../runtime/batch-output.js";
import { runKeys } from "../runtime/run-keys.js";
import { DISTILABEL_METADATA_KEY } from "../tasks/base/task.js";
import { blobAsyncBuffer } from "./blob-async-buffer.js";
import { renderDatasetCard } from "./dataset-card.js";
import type { DistisetManifest, ManifestConfig } from "./manifest.js";
import {
  inferSchema,
  mergeSchemas,
  readParquetMetadataFromAsyncBuffer,
  readParquetRows,
  readParquetRowsFromAsyncBuffer,
  writeParquetYielding,
  type TableSchema,
} from "./parquet/index.js";

export interface WrittenFile {
  path: string;
  size_bytes: number;
  num_rows: number;
  columns: string[];
}

/**
 * Writes leaf batches `seqNos` (in order) as one Parquet file. The engine cuts files at a row
 * or size threshold, so one file's rows always fit comfortably in a Worker's memory.
 */
export async function writeDistisetFile(options: {
  store: BlobStore;
  runId: string;
  /** The run whose stored batches are written (a reused leaf's): `runId` when absent. */
  sourceRunId?: string | undefined;
  step: string;
  config: string;
  split: string;
  fileIndex: number;
  seqNos: number[];
  enableMetadata: boolean;
}): Promise<WrittenFile> {
  const reader = new BatchReader(options.store);
  const rows: Row[] = [];
  for (const seqNo of options.seqNos) {
    const output = await reader.read(runKeys.batch(options.sourceRunId ?? options.runId, options.step, seqNo));
    for (const row of output.rows) rows.push(options.enableMetadata ? row : withoutMetadata(row));
  }
  const path = runKeys.distisetFile(options.runId, options.config, options.split, options.fileIndex);
  const bytes = await writeParquetYielding(rows);
  await options.store.put(path, bytes, { contentType: "application/vnd.apache.parquet" });
  return { path, size_bytes: bytes.byteLength, num_rows: rows.length, columns: inferSchema(rows).columns.map((c) => c.name) };
}

function withoutMetadata(row: Row): Row {
  if (!(DISTILABEL_METADATA_KEY in row)) return row;
  const { [DISTILABEL_METADATA_KEY]: _dropped, ...rest } = row;
  return rest;
}

export interface FinalizeOptions {
  store: BlobStore;
  runId: string;
  pipelineName: string;
  description: string | undefined;
  /** Leaf step -> config name, for configs that produced no file. */
  configs: Record<string, string>;
  /** Per step, rows imputed as null after the step failed on them. */
  failedRows?: Record<string, number> | undefined;
  /** The run's LLM usage with cost, when it made LLM calls. */
  usage?: DistisetManifest["usage"];
}

/**
 * Unifies each config's file schemas (a column null in one file and typed in another gets the
 * typed schema everywhere, rewriting the files that differ, as distilabel does on close), then
 * writes `distiset.json` and the dataset card.
 */
export async function finalizeDistiset(options: FinalizeOptions): Promise<DistisetManifest> {
  const { store, runId } = options;
  const files = await store.list(runKeys.distisetPrefix(runId));
  const manifest: DistisetManifest = { run_id: runId, pipeline: options.pipelineName, configs: {}, created_at: new Date().toISOString() };
  if (options.failedRows && Object.keys(options.failedRows).length > 0) manifest.failed_rows = { ...options.failedRows };
  if (options.usage) manifest.usage = options.usage;
  const samples: Record<string, Row | undefined> = {};
  for (const [step, config] of Object.entries(options.configs)) {
    const prefix = `${runKeys.distisetPrefix(runId)}${config}/train/`;
    const configFiles = files.filter((f) => f.key.startsWith(prefix) && f.key.endsWith(".parquet"));
    const metas = await Promise.all(configFiles.map((f) => readParquetMetadataFromAsyncBuffer(blobAsyncBuffer(store, f.key, f.size))));
    let schema: TableSchema | undefined;
    for (const meta of metas) schema = schema ? mergeSchemas(schema, meta.schema) : meta.schema;
    const entry: ManifestConfig = { step, columns: schema?.columns.map((c) => c.name) ?? [], splits: { train: { num_rows: 0, files: [] } } };
    if (schema) entry.schema = schema;
    for (const [i, file] of configFiles.entries()) {
      const meta = metas[i];
      if (!meta) continue;
      let size = file.size;
      if (schema && JSON.stringify(meta.schema) !== JSON.stringify(schema)) size = await rewriteWithSchema(store, file.key, schema);
      entry.splits.train?.files.push({ path: file.key, size_bytes: size, num_rows: meta.numRows });
      if (entry.splits.train) entry.splits.train.num_rows += meta.numRows;
    }
    const first = configFiles[0];
    if (first && (metas[0]?.numRows ?? 0) > 0) {
      samples[config] = (await readParquetRowsFromAsyncBuffer(blobAsyncBuffer(store, first.key, first.size), { rowStart: 0, rowEnd: 1 }))[0];
    }
    manifest.configs[config] = entry;
  }
  await putJson(store, runKeys.manifest(runId), manifest);
  const pipelineYaml = (await getText(store, runKeys.pipelineYaml(runId))) ?? "";
  const card = renderDatasetCard({ manifest, pipelineName: options.pipelineName, description: options.description, pipelineYaml, samples });
  await store.put(runKeys.card(runId), card, { contentType: "text/markdown" });
  return manifest;
}

async function rewriteWithSchema(store: BlobStore, key: string, schema: TableSchema): Promise<number> {
  const bytes = await store.get(key);
  if (!bytes) throw new DistilflareError("storage_failed", `Parquet file '${key}' disappeared before its schema was unified`, { key });
  const rows = await readParquetRows(bytes);
  const rewritten = await writeParquetYielding(rows, schema);
  await store.put(key, rewritten, { contentType: "application/vnd.apache.parquet" });
  return rewritten.byteLength;
}
