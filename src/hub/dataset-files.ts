import { z } from "zod";
import { compileGlob } from "../data-files/glob.js";
import { mapConcurrent } from "../steps/step-context.js";
import { parseCardConfigs, type CardConfig } from "./card-configs.js";
import type { HubClient, RepoFile } from "./hub-client.js";
import { HubError } from "./hub-error.js";

export const hubSplitFileSchema = z.object({ path: z.string(), url: z.string(), size: z.number().int().nonnegative() });

/** The Parquet files of one config and split of a Hub dataset, pinned to a commit. */
export const hubSplitFilesSchema = z.object({
  repo_id: z.string(),
  /** The commit the files were listed at: every batch of a run reads this commit. */
  sha: z.string(),
  config: z.string(),
  split: z.string(),
  /** `repo`: the repository's own Parquet files; `parquet-conversion`: the Hub's conversion (refs/convert/parquet). */
  source: z.enum(["repo", "parquet-conversion"]),
  files: z.array(hubSplitFileSchema),
});
export type HubSplitFiles = z.infer<typeof hubSplitFilesSchema>;

export interface HubSplitRequest {
  repoId: string;
  /** Default: the card's default config, else `default`. */
  config?: string | undefined;
  split: string;
  /** A branch, tag or commit sha (default: main). */
  revision?: string | undefined;
}

/** `datasets`' split keywords for files laid out without a `configs:` card entry. */
const SPLIT_KEYWORDS: Record<string, string[]> = {
  train: ["train", "training"],
  validation: ["validation", "valid", "dev", "val"],
  test: ["test", "testing", "eval", "evaluation"],
};
const PUSHED_SHARD = /^data\/([\w.-]+?)-\d{5}-of-\d{5}[^/]*$/;
const DATA_EXTENSIONS = new Set(["parquet", "csv", "tsv", "json", "jsonl", "ndjson", "arrow", "txt", "gz", "zip", "xz", "zst"]);

/**
 * Finds the Parquet files of a config and split the way `load_dataset(repo_id, config)` would:
 * the card's `configs:` data_files, else the default layout (`data/train-*.parquet`, `train/`,
 * ...); when the data is not Parquet (CSV, JSON), the Hub's Parquet conversion instead.
 *
 * @throws HubError `repo_not_found`, `revision_not_found`, `config_not_found`, `split_not_found`,
 *   `unauthorized`, `forbidden`, `unreachable`, each naming the repository.
 */
export async function resolveHubSplitFiles(client: HubClient, request: HubSplitRequest): Promise<HubSplitFiles> {
  const { repoId, split } = request;
  const info = await client.datasetInfo(repoId, request.revision);
  const cardConfigs = parseCardConfigs(info.cardData);
  const config = pickConfig(repoId, request.config, cardConfigs);
  const repoFiles = (await client.listFiles(repoId, info.sha)).filter((file) => isDataFile(file.path));
  const declared = cardConfigs.find((c) => c.name === config);

  let candidates: RepoFile[] | undefined;
  let knownSplits: string[];
  if (declared) {
    knownSplits = Object.keys(declared.dataFiles);
    const patterns = declared.dataFiles[split]?.map((p) => compileGlob(p));
    if (!patterns) throw splitNotFound(repoId, config, split, knownSplits);
    candidates = repoFiles.filter((file) => patterns.some((p) => p.test(file.path)));
  } else if (cardConfigs.length === 0 && config === "default") {
    const layout = defaultLayout(repoFiles);
    knownSplits = [...layout.keys()];
    candidates = layout.get(split);
  } else {
    knownSplits = [];
  }

  const base = { repo_id: repoId, sha: info.sha, config, split };
  if (candidates && candidates.length > 0 && candidates.every((file) => file.path.endsWith(".parquet"))) {
    const files = [...candidates].sort((a, b) => (a.path < b.path ? -1 : 1)).map((file) => ({ ...file, url: client.resolveUrl(repoId, file.path, info.sha) }));
    return { ...base, source: "repo", files };
  }
  if (declared === undefined && knownSplits.length > 0 && candidates === undefined) throw splitNotFound(repoId, config, split, knownSplits);

  const urls = await client.convertedSplitParquet(repoId, config, split);
  if (urls && urls.length > 0) {
    const sizes = await mapConcurrent(urls, 4, (url) => client.fileSize(repoId, url));
    const files = urls.map((url, i) => ({ path: new URL(url).pathname, url, size: sizes[i] ?? 0 }));
    return { ...base, source: "parquet-conversion", files };
  }
  const listing = await client.convertedParquet(repoId);
  if (!declared && !(config === "default" && cardConfigs.length === 0)) {
    const configs = [...new Set([...cardConfigs.map((c) => c.name), ...Object.keys(listing ?? {})])];
    if (!configs.includes(config)) {
      throw new HubError(
        `Dataset '${repoId}' has no config '${config}'; its configs are: ${configs.join(", ") || "(none found)"}. Set config to one of them.`,
        { repo_id: repoId, reason: "config_not_found", config, configs },
      );
    }
  }
  const splits = [...new Set([...knownSplits, ...Object.keys(listing?.[config] ?? {})])];
  if (splits.includes(split)) {
    throw new HubError(
      `Dataset '${repoId}' stores split '${split}' of config '${config}' in a format other than Parquet, and the Hub has no Parquet conversion of it`,
      { repo_id: repoId, reason: "split_not_found", config, split },
    );
  }
  throw splitNotFound(repoId, config, split, splits);
}

function pickConfig(repoId: string, requested: string | undefined, cardConfigs: CardConfig[]): string {
  if (requested) return requested;
  if (cardConfigs.length === 0) return "default";
  const chosen =
    cardConfigs.find((c) => c.isDefault) ?? cardConfigs.find((c) => c.name === "default") ?? (cardConfigs.length === 1 ? cardConfigs[0] : undefined);
  if (chosen) return chosen.name;
  const names = cardConfigs.map((c) => c.name);
  throw new HubError(`Dataset '${repoId}' has several configs (${names.join(", ")}) and none is the default; set config to one of them.`, {
    repo_id: repoId,
    reason: "config_not_found",
    configs: names,
  });
}

function splitNotFound(repoId: string, config: string, split: string, splits: string[]): HubError {
  return new HubError(
    `Dataset '${repoId}' has no split '${split}' in config '${config}'; its splits are: ${splits.join(", ") || "(none found)"}. Set split to one of them.`,
    { repo_id: repoId, reason: "split_not_found", config, split, splits },
  );
}

/** Split -> files, by `datasets`' naming rules; files named after no split are `train`. */
function defaultLayout(files: RepoFile[]): Map<string, RepoFile[]> {
  const out = new Map<string, RepoFile[]>();
  const unassigned: RepoFile[] = [];
  for (const file of files) {
    // `push_to_hub` names shards `data/<split>-00000-of-00002.parquet`, whatever the split's name.
    const pushed = PUSHED_SHARD.exec(file.path)?.[1];
    const split = pushed ?? Object.entries(SPLIT_KEYWORDS).find(([, keywords]) => inSplit(file.path, keywords))?.[0];
    if (split) out.set(split, [...(out.get(split) ?? []), file]);
    else unassigned.push(file);
  }
  // Files named after no split are `train` only when no file names a split.
  if (out.size === 0 && unassigned.length > 0) out.set("train", unassigned);
  return out;
}

function inSplit(path: string, keywords: string[]): boolean {
  const segments = path.split("/");
  const name = segments.pop() ?? "";
  const separated = (kw: string) => new RegExp(`^(?:.*[-._ 0-9])?${kw}(?:[-._ 0-9].*)?$`);
  return segments.some((dir) => keywords.some((kw) => new RegExp(`^${kw}[-._ 0-9]*$`).test(dir))) || keywords.some((kw) => separated(kw).test(name));
}

function isDataFile(path: string): boolean {
  if (path.split("/").some((segment) => segment.startsWith("."))) return false;
  const name = path.split("/").at(-1) ?? "";
  return DATA_EXTENSIONS.has(name.slice(name.lastIndexOf(".") + 1).toLowerCase()) && name.includes(".");
}
