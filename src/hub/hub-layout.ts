/**
 * The file layout `load_dataset(repo_id, config)` reads (what `datasets.push_to_hub` writes):
 * config `default` under `data/`, any other config under a folder named after it.
 */
export function hubConfigDir(config: string): string {
  return config === "default" ? "data" : config;
}

/** `data/train-00000-of-00002.parquet` */
export function hubShardPath(config: string, split: string, index: number, count: number): string {
  return `${hubConfigDir(config)}/${split}-${pad(index)}-of-${pad(count)}.parquet`;
}

/** The data_files pattern of a config's split in the card: `data/train-*`. */
export function hubSplitPattern(config: string, split: string): string {
  return `${hubConfigDir(config)}/${split}-*`;
}

/** Shards of a split written by an earlier push (to delete those a new push does not overwrite). */
export function isHubShardOf(path: string, config: string, split: string): boolean {
  const dir = hubConfigDir(config);
  return path.startsWith(`${dir}/`) && new RegExp(`^${escapeRegExp(split)}-\\d{5}-of-\\d{5}\\.parquet$`).test(path.slice(dir.length + 1));
}

function pad(n: number): string {
  return String(n).padStart(5, "0");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
