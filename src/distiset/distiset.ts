import type { Row } from "../core/row.js";
import type { BlobStore } from "../runtime/blob-store.js";
import { readManifest, type DistisetManifest } from "./manifest.js";
import { readParquetRows } from "./parquet/index.js";

/** One config of a Distiset: its splits (`train` for pipeline output) as rows. */
export type DistisetConfig = Record<string, Row[]>;

/**
 * The result of a run: one dataset per leaf step, `default` when there is one leaf, else named
 * after the leaf; every config has a single `train` split (distilabel's `Distiset`).
 */
export class Distiset {
  constructor(
    readonly configs: Map<string, DistisetConfig>,
    readonly manifest: DistisetManifest | undefined,
  ) {}

  /** Reads a finished run's Distiset from storage (manifest, then every Parquet file). */
  static async fromStore(store: BlobStore, runId: string): Promise<Distiset> {
    const manifest = await readManifest(store, runId);
    const configs = new Map<string, DistisetConfig>();
    for (const [name, config] of Object.entries(manifest?.configs ?? {})) {
      const splits: DistisetConfig = {};
      for (const [split, info] of Object.entries(config.splits))
        splits[split] = await readFiles(
          store,
          info.files.map((f) => f.path),
        );
      configs.set(name, splits);
    }
    return new Distiset(configs, manifest);
  }

  /** The `train` split of each config from the given Parquet files (a run that did not finish has no manifest). */
  static async fromFiles(store: BlobStore, files: Record<string, string[]>): Promise<Distiset> {
    const configs = new Map<string, DistisetConfig>();
    for (const [name, paths] of Object.entries(files)) configs.set(name, { train: await readFiles(store, paths) });
    return new Distiset(configs, undefined);
  }

  keys(): string[] {
    return [...this.configs.keys()];
  }

  get(config: string): DistisetConfig | undefined {
    return this.configs.get(config);
  }

  /** Rows of a config's split (`train` by default); empty when absent. */
  rows(config = "default", split = "train"): Row[] {
    return this.configs.get(config)?.[split] ?? [];
  }

  toString(): string {
    const describe = (splits: DistisetConfig) => Object.entries(splits).map(([split, rows]) => `${split}: ${rows.length} rows`);
    const parts = [...this.configs].map(([name, splits]) => `${name}: {${describe(splits).join(", ")}}`);
    return `Distiset({ ${parts.join(", ")} })`;
  }
}

async function readFiles(store: BlobStore, paths: readonly string[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const path of paths) {
    const bytes = await store.get(path);
    if (bytes) rows.push(...(await readParquetRows(bytes)));
  }
  return rows;
}
