import { z } from "zod";
import { attribute, runtimeParameter } from "../../../components/attributes.js";
import { blobByteSource } from "../../../data-files/byte-source.js";
import { readManifest, type DistisetManifest } from "../../../distiset/manifest.js";
import { DistilflareError, RuntimeParameterError } from "../../../errors.js";
import { runKeys, RUN_ID_PATTERN } from "../../../runtime/run-keys.js";
import { generatorStepAttributes, type GeneratorOutput } from "../../base-step.js";
import type { StepContext } from "../../step-context.js";
import { KeyedPromise } from "../support/keyed-promise.js";
import { FileLoader } from "../support/file-loader.js";

const schema = generatorStepAttributes.extend({
  datasetPath: runtimeParameter(
    z.string().min(1).optional(),
    "The previous run whose Distiset to load: `runs/<run_id>` (or just the run id, or its `distiset.json` key).",
    { required: true },
  ),
  config: runtimeParameter(z.string().min(1).default("default"), "The Distiset config: `default` for a single-leaf pipeline, else a leaf step's name."),
  split: runtimeParameter(z.string().min(1).default("train"), "The split of the config."),
  numExamples: runtimeParameter(z.number().int().positive().optional(), "Load at most this many rows."),
  isDistiset: runtimeParameter(z.boolean().default(true), "Accepted for distilabel compatibility: a run's output is always a Distiset."),
  keepInMemory: runtimeParameter(z.boolean().optional(), "Accepted for distilabel compatibility: rows are always read batch by batch."),
  storageOptions: attribute(z.record(z.string(), z.unknown()).optional(), "Accepted for distilabel compatibility; unused."),
});

/**
 * Loads one config of a previous run's Distiset from the run store, through its `distiset.json`
 * manifest, batch by batch with range reads: runs chain, each reading what the last one wrote.
 * The manifest gives every file's row count, so a batch reads only its own row groups.
 *
 * @example
 * new LoadDataFromDistiset({ datasetPath: "runs/0lz3k2-9f1c2a", config: "default" });
 */
export class LoadDataFromDistiset extends FileLoader<typeof schema> {
  static override readonly typeName: string = "LoadDataFromDistiset";
  static override readonly attributes = schema;
  private readonly manifest = new KeyedPromise<DistisetManifest>();

  override async resolveColumns(context: StepContext): Promise<void> {
    if (this.attrs.datasetPath === undefined) return;
    this.columns = this.splitOf(await this.manifestFor(context)).columns;
  }

  async generate(offset: number, context: StepContext): Promise<GeneratorOutput> {
    const store = context.services.blobs;
    if (!store) throw new DistilflareError("internal", `Step '${this.name}' needs the run store to read a Distiset`);
    const { files } = this.splitOf(await this.manifestFor(context));
    const counted = files.map((file) => ({ source: blobByteSource(store, file.path, file.size_bytes), numRows: file.num_rows }));
    return this.readParquetBatch(counted, offset);
  }

  sourceRunId(): string {
    const path = (this.attrs.datasetPath as string).replace(/^r2:\/\//, "").replace(/^\/+|\/+$/g, "");
    const id = path.replace(/^runs\//, "").replace(/\/distiset\.json$/, "");
    if (!RUN_ID_PATTERN.test(id)) {
      throw new RuntimeParameterError(`Step '${this.name}': dataset_path '${this.attrs.datasetPath}' does not name a run; expected 'runs/<run_id>'`, {
        step: this.name,
        parameter: "dataset_path",
        expected: "runs/<run_id>",
      });
    }
    return id;
  }

  private manifestFor(context: StepContext): Promise<DistisetManifest> {
    const runId = this.sourceRunId();
    return this.manifest.get(runId, () => this.readManifest(context, runId));
  }

  private async readManifest(context: StepContext, runId: string): Promise<DistisetManifest> {
    const store = context.services.blobs;
    if (!store) throw new DistilflareError("internal", `Step '${this.name}' needs the run store to read a Distiset`);
    const manifest = await readManifest(store, runId);
    if (!manifest) {
      throw new RuntimeParameterError(
        `Step '${this.name}': run '${runId}' has no Distiset ('${runKeys.manifest(runId)}' is missing); is dataset_path a run that succeeded?`,
        { step: this.name, parameter: "dataset_path", expected: "a run that succeeded" },
      );
    }
    return manifest;
  }

  private splitOf(manifest: DistisetManifest) {
    const config = manifest.configs[this.attrs.config];
    if (!config) {
      throw new RuntimeParameterError(
        `Step '${this.name}': the Distiset of run '${manifest.run_id}' has no config '${this.attrs.config}'; its configs are: ${Object.keys(manifest.configs).join(", ") || "(none)"}`,
        { step: this.name, parameter: "config", expected: `one of ${Object.keys(manifest.configs).join(", ")}` },
      );
    }
    const split = config.splits[this.attrs.split];
    if (!split) {
      throw new RuntimeParameterError(
        `Step '${this.name}': config '${this.attrs.config}' of run '${manifest.run_id}' has no split '${this.attrs.split}'; its splits are: ${Object.keys(config.splits).join(", ")}`,
        { step: this.name, parameter: "split", expected: `one of ${Object.keys(config.splits).join(", ")}` },
      );
    }
    return { columns: config.columns, files: split.files };
  }
}

/**
 * distilabel's `LoadDataFromDisk` under its own name, so pipelines that chain through a saved
 * Distiset keep working: `dataset_path` names a previous run (`runs/<run_id>`).
 */
export class LoadDataFromDisk extends LoadDataFromDistiset {
  static override readonly typeName: string = "LoadDataFromDisk";
}
