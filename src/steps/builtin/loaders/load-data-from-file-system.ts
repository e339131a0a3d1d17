import { z } from "zod";
import { attribute, runtimeParameter } from "../../../components/attributes.js";
import { fileTypeSchema } from "../../../data-files/file-type.js";
import { loadOrBuildState, loaderStateKeys, readState, writeState } from "../../../data-files/loader-state.js";
import { countParquetRows, parquetFileColumns } from "../../../data-files/parquet-file-set.js";
import { dataFileSchema, dataFileSource, resolveDataFiles } from "../../../data-files/resolve-data-files.js";
import { readTextRows, textFileColumns, type JsonFileCache, type RecordPosition } from "../../../data-files/text-records.js";
import { generatorStepAttributes, type GeneratorOutput } from "../../base-step.js";
import type { EgressTarget } from "../../../security/egress-target.js";
import type { StepContext } from "../../step-context.js";
import { KeyedPromise } from "../support/keyed-promise.js";
import { FileLoader } from "../support/file-loader.js";

const schema = generatorStepAttributes.extend({
  dataFiles: runtimeParameter(
    z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    "What to load: an http(s) URL, an object key of the run's store (R2), a key prefix, or a glob (`runs/x/*.jsonl`); or a list of them.",
    { required: true },
  ),
  filetype: runtimeParameter(fileTypeSchema.optional(), "parquet, jsonl, json or csv; inferred from the file extension when not given."),
  split: runtimeParameter(z.string().min(1).default("train"), "Accepted for distilabel compatibility: the files form one split."),
  streaming: runtimeParameter(z.boolean().default(false), "Accepted for distilabel compatibility: files are always read batch by batch."),
  numExamples: runtimeParameter(z.number().int().positive().optional(), "Load at most this many rows."),
  storageOptions: attribute(z.record(z.string(), z.unknown()).optional(), "Accepted for distilabel compatibility; unused."),
});

const fileIndexSchema = z.object({
  filetype: fileTypeSchema,
  files: z.array(dataFileSchema.extend({ num_rows: z.number().int().nonnegative().optional() })),
  columns: z.array(z.string()),
});
type FileIndex = z.infer<typeof fileIndexSchema>;

const positionSchema = z.object({ file: z.number().int().nonnegative(), position: z.number().int().nonnegative() });
/** Checkpoints kept in memory per instance (the run's store keeps all of them). */
const MEMO_CHECKPOINTS = 16;

/**
 * Loads Parquet, JSON Lines, JSON or CSV files from the run's object store (R2: a key, a prefix or
 * a glob) or from http(s) URLs, batch by batch (distilabel's `LoadDataFromFileSystem`).
 *
 * Parquet is read with range requests: a batch fetches its footers and row groups only, and its
 * offset maps to a file through the row counts in the footers. Text formats have no index, so
 * reaching row N means reading every byte before it; each batch therefore stores a checkpoint
 * (file and byte of its next row) in the run's store, and the next batch, or a resumed run,
 * starts there: a load reads each byte about once. JSON documents are parsed whole (at most
 * 64 MB per file); use JSON Lines for larger data. CSV values are read as strings.
 *
 * @example
 * new LoadDataFromFileSystem({ dataFiles: "runs/0abc/exports/*.jsonl", batchSize: 100 });
 */
export class LoadDataFromFileSystem extends FileLoader<typeof schema> {
  static override readonly typeName = "LoadDataFromFileSystem";
  static override readonly attributes = schema;
  private readonly index = new KeyedPromise<FileIndex>();
  private readonly jsonCache: JsonFileCache = new Map();
  private readonly checkpoints = new Map<number, RecordPosition>();

  override async resolveColumns(context: StepContext): Promise<void> {
    if (this.attrs.dataFiles === undefined) return;
    const { files, filetype } = await this.resolve(context);
    const first = files[0];
    if (!first) return;
    const source = dataFileSource(first, context.services);
    this.columns = filetype === "parquet" ? await parquetFileColumns(source) : await textFileColumns(source, filetype);
  }

  async generate(offset: number, context: StepContext): Promise<GeneratorOutput> {
    const limit = this.attrs.numExamples ?? Number.POSITIVE_INFINITY;
    if (offset >= limit) return { rows: [], lastBatch: true };
    const index = await this.index.get(context.runId, () => {
      this.checkpoints.clear();
      return loadOrBuildState(context, loaderStateKeys.index(context.runId, this.name), fileIndexSchema, () => this.buildIndex(context));
    });
    const sources = index.files.map((file) => dataFileSource(file, context.services));
    if (index.filetype === "parquet") {
      const files = index.files.map((file, i) => ({ source: sources[i] as (typeof sources)[number], numRows: file.num_rows ?? 0 }));
      return this.readParquetBatch(files, offset);
    }
    const length = Math.min(this.batchSize, limit - offset);
    const at = (await this.checkpoint(context, offset)) ?? { row: 0, at: { file: 0, position: 0 } };
    const { rows, next } = await readTextRows({ sources, type: index.filetype, from: at, offset, length, jsonCache: this.jsonCache });
    const lastBatch = next === undefined || offset + rows.length >= limit;
    if (!lastBatch && next) await this.saveCheckpoint(context, offset + rows.length, next);
    return { rows, lastBatch };
  }

  /** URLs in data_files are fetched without any secret, but still only where the owner allows. */
  override egressTargets(): EgressTarget[] {
    const entries = this.attrs.dataFiles as string | string[] | undefined;
    return (typeof entries === "string" ? [entries] : (entries ?? []))
      .filter((entry) => /^https?:\/\//i.test(entry))
      .map((url) => ({ url, field: "data_files" }));
  }

  private resolve(context: StepContext) {
    const entries = this.attrs.dataFiles as string | string[];
    return resolveDataFiles(typeof entries === "string" ? [entries] : entries, {
      services: context.services,
      filetype: this.attrs.filetype,
      owner: `Step '${this.name}'`,
    });
  }

  private async buildIndex(context: StepContext): Promise<FileIndex> {
    const { files, filetype } = await this.resolve(context);
    if (filetype !== "parquet") {
      const first = files[0];
      const columns = first ? await textFileColumns(dataFileSource(first, context.services), filetype) : [];
      context.logger.info(`Loading ${files.length} ${filetype} file(s) from '${files[0]?.name ?? ""}'${files.length > 1 ? " and others" : ""}`);
      return { filetype, files, columns };
    }
    const { numRows, columns } = await countParquetRows(files.map((file) => dataFileSource(file, context.services)));
    context.logger.info(`Loading ${files.length} Parquet file(s), ${numRows.reduce((a, b) => a + b, 0)} rows`);
    return { filetype, files: files.map((file, i) => ({ ...file, num_rows: numRows[i] ?? 0 })), columns };
  }

  private async checkpoint(context: StepContext, row: number): Promise<{ row: number; at: RecordPosition } | undefined> {
    if (row === 0) return undefined;
    const at = this.checkpoints.get(row) ?? (await readState(context, loaderStateKeys.checkpoint(context.runId, this.name, row), positionSchema));
    if (at) return { row, at };
    context.logger.warn(`No checkpoint for row ${row}: scanning the files from their start to reach it`);
    return undefined;
  }

  private async saveCheckpoint(context: StepContext, row: number, at: RecordPosition): Promise<void> {
    this.checkpoints.set(row, at);
    if (this.checkpoints.size > MEMO_CHECKPOINTS) this.checkpoints.delete(this.checkpoints.keys().next().value as number);
    await writeState(context, loaderStateKeys.checkpoint(context.runId, this.name, row), at);
  }
}
