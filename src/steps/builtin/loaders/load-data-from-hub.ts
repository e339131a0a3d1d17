import { z } from "zod";
import { attribute, runtimeParameter } from "../../../components/attributes.js";
import { httpByteSource, type ByteSource } from "../../../data-files/byte-source.js";
import { loadOrBuildState, loaderStateKeys } from "../../../data-files/loader-state.js";
import { countParquetRows, parquetFileColumns } from "../../../data-files/parquet-file-set.js";
import { RuntimeParameterError } from "../../../errors.js";
import { hubSplitFileSchema, hubSplitFilesSchema, resolveHubSplitFiles, type HubSplitFiles } from "../../../hub/dataset-files.js";
import { HubClient, hubEndpointOf, REPO_ID_PATTERN } from "../../../hub/hub-client.js";
import { HubError, type HubFailureReason } from "../../../hub/hub-error.js";
import { generatorStepAttributes, type GeneratorOutput } from "../../base-step.js";
import type { EgressTarget } from "../../../security/egress-target.js";
import type { StepContext, StepServices } from "../../step-context.js";
import { KeyedPromise } from "../support/keyed-promise.js";
import { FileLoader } from "../support/file-loader.js";

const schema = generatorStepAttributes.extend({
  repoId: runtimeParameter(
    z.string().regex(REPO_ID_PATTERN, "a Hub repository id such as 'user/dataset'").optional(),
    "The Hugging Face Hub repository id of the dataset, e.g. 'argilla/10Kprompts-mini'.",
    { required: true },
  ),
  split: runtimeParameter(z.string().min(1).default("train"), "The split of the dataset to load."),
  config: runtimeParameter(z.string().min(1).optional(), "The config (subset) to load; default: the dataset's default config."),
  revision: runtimeParameter(
    z.string().min(1).optional(),
    "A branch, tag or commit sha (default: main). A run pins the commit it resolved first, so a resumed run reads the same rows.",
  ),
  streaming: runtimeParameter(
    z.boolean().default(false),
    "Accepted for distilabel compatibility: the dataset is always read batch by batch with range requests.",
  ),
  numExamples: runtimeParameter(z.number().int().positive().optional(), "Load at most this many rows."),
  storageOptions: attribute(z.record(z.string(), z.unknown()).optional(), "Accepted for distilabel compatibility; unused."),
});

/** The file index of a run: the pinned files with their row counts and the columns. */
const hubIndexSchema = hubSplitFilesSchema.extend({
  files: z.array(hubSplitFileSchema.extend({ num_rows: z.number().int().nonnegative() })),
  columns: z.array(z.string()),
});
type HubIndex = z.infer<typeof hubIndexSchema>;

/** Hub failures that mean a runtime parameter names something that does not exist. */
const PARAMETER_OF: Partial<Record<HubFailureReason, string>> = {
  repo_not_found: "repo_id",
  revision_not_found: "revision",
  config_not_found: "config",
  split_not_found: "split",
};

/**
 * Loads a dataset from the Hugging Face Hub batch by batch (distilabel's `LoadDataFromHub`),
 * with Range requests over its Parquet files: each batch fetches only the footers and row groups
 * that hold its rows, so a dataset of any size streams through a Worker's 128 MB. It is
 * offset-aware (a resumed run continues at its offset, on the commit it pinned at its first
 * batch) and reads the Parquet schema before validation, so its outputs are the real columns.
 * `HF_TOKEN` (secret) authenticates private and gated datasets; `HF_ENDPOINT` points at a mirror.
 *
 * @example
 * new LoadDataFromHub({ repoId: "distilabel-internal-testing/instruction-dataset-mini", split: "test", outputMappings: { prompt: "instruction" } });
 */
export class LoadDataFromHub extends FileLoader<typeof schema> {
  static override readonly typeName = "LoadDataFromHub";
  static override readonly attributes = schema;
  private readonly index = new KeyedPromise<HubIndex>();

  override egressTargets(services: Pick<StepServices, "secret">): EgressTarget[] {
    return [{ url: hubEndpointOf(services), keyVariable: "HF_TOKEN", field: "repo_id" }];
  }

  /** Reads the first file's Parquet schema; without a repo_id it leaves validation to report it. */
  override async resolveColumns(context: StepContext): Promise<void> {
    if (this.attrs.repoId === undefined) return;
    const client = HubClient.fromServices(context.services);
    const files = await this.guard(() => this.resolveFiles(client), true);
    const first = files.files[0];
    this.columns = first ? await this.guard(() => parquetFileColumns(this.source(client, first)), true) : [];
  }

  async generate(offset: number, context: StepContext): Promise<GeneratorOutput> {
    // the run's index is built once per run (stored next to its batches) and kept per instance
    const index = await this.index.get(context.runId, () =>
      loadOrBuildState(context, loaderStateKeys.index(context.runId, this.name), hubIndexSchema, () => this.buildIndex(context)),
    );
    const client = HubClient.fromServices(context.services);
    const files = index.files.map((file) => ({ source: this.source(client, file), numRows: file.num_rows }));
    return this.guard(() => this.readParquetBatch(files, offset));
  }

  private async buildIndex(context: StepContext): Promise<HubIndex> {
    const client = HubClient.fromServices(context.services);
    const files = await this.guard(() => this.resolveFiles(client));
    const { numRows, columns } = await this.guard(() => countParquetRows(files.files.map((file) => this.source(client, file))));
    const rows = numRows.reduce((sum, n) => sum + n, 0);
    context.logger.info(
      `Loading '${files.repo_id}' config '${files.config}' split '${files.split}' at commit ${files.sha.slice(0, 12)}: ${files.files.length} Parquet file(s), ${rows} rows${files.source === "parquet-conversion" ? " (the Hub's Parquet conversion)" : ""}`,
    );
    return { ...files, files: files.files.map((file, i) => ({ ...file, num_rows: numRows[i] ?? 0 })), columns };
  }

  private resolveFiles(client: HubClient): Promise<HubSplitFiles> {
    return resolveHubSplitFiles(client, {
      repoId: this.attrs.repoId as string,
      config: this.attrs.config,
      split: this.attrs.split,
      revision: this.attrs.revision,
    });
  }

  private source(client: HubClient, file: { path: string; url: string; size: number }): ByteSource {
    const repoId = this.attrs.repoId as string;
    return httpByteSource(client.requester(repoId), file.url, file.size, `${repoId}/${file.path}`);
  }

  /**
   * A Hub answer that a parameter names nothing (no such repo, split, config, revision) is the
   * caller's to fix: it becomes a runtime parameter error, which the runner does not retry.
   * Validation-time errors name the step here; a failed run's error already names it.
   */
  private async guard<T>(run: () => Promise<T>, nameStep = false): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (!(error instanceof HubError)) throw error;
      const message = nameStep ? `Step '${this.name}': ${error.message}` : error.message;
      const parameter = PARAMETER_OF[error.reason];
      if (parameter) throw new RuntimeParameterError(message, { ...error.details, step: this.name, parameter });
      if (!nameStep) throw error;
      throw new HubError(message, { ...(error.details as { repo_id: string }), reason: error.reason }, { cause: error });
    }
  }
}
