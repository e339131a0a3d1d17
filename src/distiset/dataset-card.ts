import { stringify as stringifyYaml } from "yaml";
import type { Row } from "../core/row.js";
import type { DistisetManifest } from "./manifest.js";

export interface DatasetCardInput {
  manifest: DistisetManifest;
  pipelineName: string;
  description: string | undefined;
  pipelineYaml: string;
  /** One sample record per config. */
  samples: Record<string, Row | undefined>;
  /** Where the dataset lives on the Hub, when pushing (for `load_dataset` snippets). */
  repoId?: string | undefined;
  /** Hub layout paths per config (`data/train-*.parquet` for default). */
  hubDataFiles?: Record<string, string> | undefined;
}

/** HF's size buckets, from the largest config's row count. */
export function sizeCategory(rows: number): string {
  if (rows < 1_000) return "n<1K";
  if (rows < 10_000) return "1K<n<10K";
  if (rows < 100_000) return "10K<n<100K";
  if (rows < 1_000_000) return "100K<n<1M";
  if (rows < 10_000_000) return "1M<n<10M";
  return "10M<n<100M";
}

function truncateSample(value: unknown): unknown {
  if (Array.isArray(value))
    return value.length > 10 ? [...value.slice(0, 10).map(truncateSample), `... (${value.length - 10} more)`] : value.map(truncateSample);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, truncateSample(v)]));
  if (typeof value === "string" && value.length > 2_000) return `${value.slice(0, 2_000)}...`;
  return value;
}

/**
 * The dataset card (README.md): YAML front matter the Hub reads (configs, tags, size) and a
 * body with the pipeline, columns, row counts, a sample record per config and how to load it.
 */
export function renderDatasetCard(input: DatasetCardInput): string {
  const configs = Object.entries(input.manifest.configs);
  const largest = Math.max(0, ...configs.map(([, c]) => c.splits.train?.num_rows ?? 0));
  const frontMatter: Record<string, unknown> = {
    size_categories: [sizeCategory(largest)],
    tags: ["synthetic", "distilabel", "distilflare", "rlaif"],
    configs: configs.map(([name]) => ({
      config_name: name,
      data_files: [{ split: "train", path: input.hubDataFiles?.[name] ?? `distiset/${name}/train/*.parquet` }],
    })),
  };
  const lines: string[] = [
    "---",
    stringifyYaml(frontMatter).trimEnd(),
    "---",
    "",
    `# ${input.repoId ?? input.pipelineName}`,
    "",
    "This dataset was generated with [distilflare](https://github.com/) — distilabel pipelines on Cloudflare Workers.",
    "",
  ];
  if (input.description) lines.push(input.description, "");
  lines.push("## Dataset summary", "", `Pipeline: \`${input.pipelineName}\` (run \`${input.manifest.run_id}\`).`, "");
  lines.push("| config | rows | files | columns |", "|---|---|---|---|");
  for (const [name, config] of configs) {
    const train = config.splits.train;
    lines.push(`| ${name} | ${train?.num_rows ?? 0} | ${train?.files.length ?? 0} | ${config.columns.map((c) => `\`${c}\``).join(", ")} |`);
  }
  lines.push("");
  const failed = Object.entries(input.manifest.failed_rows ?? {}).filter(([, count]) => count > 0);
  if (failed.length > 0) {
    lines.push("## Failed rows", "", "These rows carry null outputs for the step that failed on them (its error is in `distilabel_metadata`):", "");
    lines.push("| step | failed rows |", "|---|---|", ...failed.map(([step, count]) => `| ${step} | ${count} |`), "");
  }
  const usage = input.manifest.usage;
  if (usage) {
    const cost = (value: number | null): string => (value === null ? "unknown" : `$${value.toFixed(4)}`);
    lines.push("## LLM usage", "", "| model | requests | cached | input tokens | output tokens | cost (USD) |", "|---|---|---|---|---|---|");
    for (const [model, entry] of Object.entries(usage.by_model)) {
      lines.push(`| ${model} | ${entry.requests} | ${entry.cached_requests} | ${entry.input_tokens} | ${entry.output_tokens} | ${cost(entry.cost_usd)} |`);
    }
    lines.push(`| **total** | ${usage.requests} | ${usage.cached_requests} | ${usage.input_tokens} | ${usage.output_tokens} | ${cost(usage.cost_usd)} |`, "");
  }
  for (const [name, config] of configs) {
    lines.push(`### Config \`${name}\``, "", `Produced by step \`${config.step}\`.`, "");
    const sample = input.samples[name];
    if (sample) lines.push("A sample record:", "", "```json", JSON.stringify(truncateSample(sample), null, 2), "```", "");
    if (input.repoId) {
      lines.push("Load it with:", "", "```python", "from datasets import load_dataset", "", `ds = load_dataset("${input.repoId}", "${name}")`, "```", "");
    }
  }
  lines.push(
    "## Reproduce",
    "",
    "The pipeline that produced this dataset, in distilabel's `pipeline.yaml` shape; post it to a distilflare Worker (`POST /v1/runs` with `content-type: application/yaml`) to run it again:",
    "",
    "```yaml",
    input.pipelineYaml.trimEnd(),
    "```",
    "",
  );
  return lines.join("\n");
}
