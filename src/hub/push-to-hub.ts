import { parse as parseYaml } from "yaml";
import { z } from "zod";
import type { Row } from "../core/row.js";
import { blobByteSource } from "../data-files/byte-source.js";
import { readRowsAcross } from "../data-files/parquet-file-set.js";
import { renderDatasetCard } from "../distiset/dataset-card.js";
import { readManifest, type DistisetManifest } from "../distiset/manifest.js";
import { writeParquet } from "../distiset/parquet/index.js";
import { DistilflareError } from "../errors.js";
import { getText, type BlobStore } from "../runtime/blob-store.js";
import { runKeys } from "../runtime/run-keys.js";
import type { HubClient, RepoFile } from "./hub-client.js";
import { commitToHub, requireToken, type HubCommitFile } from "./hub-commit.js";
import { isHubError } from "./hub-error.js";
import { hubShardPath, hubSplitPattern, isHubShardOf } from "./hub-layout.js";
import { mergeCardConfigs, parseReadme, renderReadme, type CardConfigEntry } from "./readme-front-matter.js";
import { StoredObjectBlob } from "./stored-object-blob.js";

const PARQUET = "application/vnd.apache.parquet";
/** A repository id the Hub can create: `namespace/name`. */
const FULL_REPO_ID = /^[\w.-]+\/[\w.-]+$/;

/** What a push did, as the API and the run status report it. */
export const pushResultSchema = z.object({
  repo_id: z.string(),
  url: z.string(),
  commit: z.object({ oid: z.string(), url: z.string() }),
  /** Paths written in the repository. */
  files: z.array(z.string()),
  /** Paths removed: shards of an earlier push that this one does not overwrite. */
  deleted: z.array(z.string()),
  num_rows: z.number().int().nonnegative(),
});
export type PushResult = z.infer<typeof pushResultSchema>;

export interface HubTarget {
  repoId: string;
  /** Visibility when the push creates the repository (default public). */
  private?: boolean | undefined;
  /** The Hub client: endpoint, token (HF_TOKEN or given), fetch. */
  client: HubClient;
  commitMessage?: string | undefined;
  useXet?: boolean | undefined;
}

/**
 * Pushes a run's Distiset to the Hub in the layout `load_dataset(repo_id, config)` reads
 * (`data/train-00000-of-0000N.parquet` for `default`, `<config>/train-...` otherwise), with a
 * dataset card whose front matter lists the configs (merged with the card already there),
 * `pipeline.yaml` and `pipeline.log`, in one commit. Parquet files stream from the run store.
 *
 * @throws DistilflareError `conflict` when the run has no Distiset; HubError for Hub failures.
 * @example
 * await pushDistisetToHub({ store, runId, target: { repoId: "me/jokes", client: HubClient.fromServices(services) } });
 */
export async function pushDistisetToHub(options: { store: BlobStore; runId: string; target: HubTarget }): Promise<PushResult> {
  const { store, runId, target } = options;
  assertFullRepoId(target.repoId);
  requireToken(target.client, target.repoId);
  const manifest = await manifestToPush(store, runId);
  const files: HubCommitFile[] = [];
  const pushedShards: Array<{ config: string; split: string }> = [];
  const hubDataFiles: Record<string, string> = {};
  const samples: Record<string, Row | undefined> = {};
  for (const [config, entry] of Object.entries(manifest.configs)) {
    for (const [split, info] of Object.entries(entry.splits)) {
      info.files.forEach((file, i) => {
        files.push({
          path: hubShardPath(config, split, i, info.files.length),
          content: new StoredObjectBlob({ store, key: file.path, size: file.size_bytes, type: PARQUET }),
        });
      });
      pushedShards.push({ config, split });
    }
    hubDataFiles[config] = hubSplitPattern(config, "train");
    const first = entry.splits.train?.files.find((file) => file.num_rows > 0);
    if (first) samples[config] = (await readRowsAcross([{ source: blobByteSource(store, first.path, first.size_bytes), numRows: first.num_rows }], 0, 1))[0];
  }
  const pipelineYaml = (await getText(store, runKeys.pipelineYaml(runId))) ?? "";
  const card = renderDatasetCard({
    manifest,
    pipelineName: manifest.pipeline,
    description: descriptionOf(pipelineYaml),
    pipelineYaml,
    samples,
    repoId: target.repoId,
    hubDataFiles,
  });
  const existing = await existingRepo(target.client, target.repoId);
  files.push({ path: "README.md", content: textBlob(mergeReadme(card, existing.readme, { keepExistingBody: false })) });
  if (pipelineYaml) files.push({ path: "pipeline.yaml", content: textBlob(pipelineYaml) });
  const log = await getText(store, runKeys.log(runId));
  if (log !== null) files.push({ path: "pipeline.log", content: textBlob(log) });
  const numRows = Object.values(manifest.configs).reduce((sum, c) => sum + Object.values(c.splits).reduce((s, split) => s + split.num_rows, 0), 0);
  const title = target.commitMessage ?? `Upload Distiset of run ${runId} (${numRows} rows)`;
  return commitPush(target, files, staleShards(existing.files, files, pushedShards), title, numRows);
}

/**
 * Pushes rows as one split of the `default` config (what distilabel's `PushToHub` step does):
 * Parquet shards under `data/`, the card's `configs:` updated for that split, one commit.
 */
export async function pushRowsToHub(options: { rows: readonly Row[]; split: string; target: HubTarget; maxRowsPerShard?: number }): Promise<PushResult> {
  const { rows, split, target } = options;
  assertFullRepoId(target.repoId);
  requireToken(target.client, target.repoId);
  if (rows.length === 0)
    throw new DistilflareError("invalid_request", `Nothing to push to '${target.repoId}': the step received no rows`, { repo_id: target.repoId });
  const perShard = options.maxRowsPerShard ?? 50_000;
  const shards = Math.ceil(rows.length / perShard);
  const files: HubCommitFile[] = Array.from({ length: shards }, (_, i) => ({
    path: hubShardPath("default", split, i, shards),
    content: new Blob([writeParquet(rows.slice(i * perShard, (i + 1) * perShard)) as Uint8Array<ArrayBuffer>], { type: PARQUET }),
  }));
  const existing = await existingRepo(target.client, target.repoId);
  const fresh = renderReadme({
    data: {
      configs: [{ config_name: "default", data_files: [{ split, path: hubSplitPattern("default", split) }] }],
      tags: ["synthetic", "distilabel", "distilflare"],
    },
    body: `\n# ${target.repoId}\n\nPushed by distilflare's \`PushToHub\` step.\n`,
  });
  files.push({ path: "README.md", content: textBlob(mergeReadme(fresh, existing.readme, { keepExistingBody: true })) });
  const title = target.commitMessage ?? `Upload split '${split}' (${rows.length} rows)`;
  return commitPush(target, files, staleShards(existing.files, files, [{ config: "default", split }]), title, rows.length);
}

async function commitPush(target: HubTarget, files: HubCommitFile[], deletes: string[], title: string, numRows: number): Promise<PushResult> {
  const result = await commitToHub({
    client: target.client,
    repoId: target.repoId,
    private: target.private ?? false,
    files,
    deletes,
    title,
    useXet: target.useXet,
  });
  return { repo_id: result.repo_id, url: result.url, commit: result.commit, files: files.map((f) => f.path), deleted: deletes, num_rows: numRows };
}

async function manifestToPush(store: BlobStore, runId: string): Promise<DistisetManifest> {
  const manifest = await readManifest(store, runId);
  if (!manifest) {
    throw new DistilflareError("conflict", `Run '${runId}' has no Distiset yet ('${runKeys.manifest(runId)}' is missing): push it once the run has succeeded`, {
      run_id: runId,
    });
  }
  return manifest;
}

/** The repository's files and README at main; nothing when it does not exist yet. */
async function existingRepo(client: HubClient, repoId: string): Promise<{ files: RepoFile[]; readme: string | undefined }> {
  try {
    const files = await client.listFiles(repoId, "main");
    const readme = files.some((f) => f.path === "README.md") ? await client.downloadText(repoId, "README.md") : undefined;
    return { files, readme };
  } catch (error) {
    if (isHubError(error, "repo_not_found", "revision_not_found")) return { files: [], readme: undefined };
    throw error;
  }
}

/**
 * Our card's front matter over the existing one: our keys win, `configs` merge per config and
 * split. The body is ours, or the existing one when asked to keep it (a step pushing a split).
 */
function mergeReadme(ours: string, existing: string | undefined, options: { keepExistingBody: boolean }): string {
  const next = parseReadme(ours);
  if (existing === undefined) return renderReadme(next);
  const previous = parseReadme(existing);
  const configs = mergeCardConfigs(previous.data.configs, (next.data.configs ?? []) as CardConfigEntry[]);
  const body = options.keepExistingBody && previous.body.trim() !== "" ? previous.body : next.body;
  return renderReadme({ data: { ...previous.data, ...next.data, configs }, body });
}

/** Shards of the pushed splits left by an earlier push with more files. */
function staleShards(existing: readonly RepoFile[], pushed: readonly HubCommitFile[], splits: ReadonlyArray<{ config: string; split: string }>): string[] {
  const written = new Set(pushed.map((f) => f.path));
  return existing.map((f) => f.path).filter((path) => !written.has(path) && splits.some(({ config, split }) => isHubShardOf(path, config, split)));
}

function assertFullRepoId(repoId: string): void {
  if (!FULL_REPO_ID.test(repoId)) {
    throw new DistilflareError("invalid_request", `'${repoId}' is not a repository id the Hub can create; expected 'namespace/name'`, {
      field: "repo_id",
      expected: "a Hub repository id such as 'user/dataset'",
    });
  }
}

function descriptionOf(pipelineYaml: string): string | undefined {
  try {
    const doc = parseYaml(pipelineYaml) as { pipeline?: { description?: unknown } } | null;
    return typeof doc?.pipeline?.description === "string" ? doc.pipeline.description : undefined;
  } catch {
    return undefined;
  }
}

function textBlob(text: string): Blob {
  return new Blob([text], { type: "text/plain" });
}
