import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import type { DistilflareClient } from "./api-client.js";

export interface DownloadedDistiset {
  out: string;
  configs: Record<string, { num_rows: number; files: string[] }>;
}

/**
 * The dataset card's front matter points each config at `{config}/train/*.parquet`, the layout
 * written here, so `datasets.load_dataset(out, config)` finds the files.
 */
export function localDatasetCard(card: string, configs: readonly string[]): string {
  const match = /^---\n([\s\S]*?)\n---\n/.exec(card);
  const front = (match ? parseYaml(match[1]!) : {}) as Record<string, unknown>;
  front.configs = configs.map((name) => ({ config_name: name, data_files: [{ split: "train", path: `${name}/train/*.parquet` }] }));
  const body = match ? card.slice(match[0].length) : card;
  return `---\n${stringifyYaml(front).trimEnd()}\n---\n${body}`;
}

/**
 * Saves a succeeded run's Distiset in the Hugging Face datasets layout:
 * `{config}/train/NNNNN.parquet`, README.md (the dataset card), pipeline.yaml and pipeline.log.
 */
export async function downloadDistiset(client: DistilflareClient, runId: string, out: string): Promise<DownloadedDistiset> {
  const manifest = await client.distiset(runId);
  const result: DownloadedDistiset = { out, configs: {} };
  for (const [name, config] of Object.entries(manifest.configs)) {
    const files: string[] = [];
    for (const [split, info] of Object.entries(config.splits)) {
      const dir = join(out, name, split);
      await mkdir(dir, { recursive: true });
      for (const file of info.files) {
        const local = join(dir, file.path.split("/").at(-1)!);
        await writeFile(local, await client.bytes(file.path));
        files.push(local);
      }
    }
    result.configs[name] = { num_rows: config.splits.train?.num_rows ?? 0, files };
  }
  const id = encodeURIComponent(runId);
  await writeFile(join(out, "README.md"), localDatasetCard(await client.text(`/v1/runs/${id}/README.md`), Object.keys(manifest.configs)));
  await writeFile(join(out, "pipeline.yaml"), await client.text(`/v1/runs/${id}/pipeline.yaml`));
  await writeFile(join(out, "pipeline.log"), await client.logs(runId));
  return result;
}
