import { parse as parseYaml, stringify as stringifyYaml } from "yaml";

/** A `configs:` entry of a dataset card, as `datasets` writes it. */
export interface CardConfigEntry {
  config_name: string;
  data_files: Array<{ split: string; path: string }>;
  [key: string]: unknown;
}

export interface ParsedReadme {
  data: Record<string, unknown>;
  body: string;
}

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

/** Splits a README into its YAML front matter and its Markdown body. */
export function parseReadme(text: string): ParsedReadme {
  const match = FRONT_MATTER.exec(text);
  if (!match) return { data: {}, body: text };
  let data: unknown;
  try {
    data = parseYaml(match[1] ?? "");
  } catch {
    // A card with broken YAML keeps its body; its front matter is replaced.
    data = {};
  }
  return {
    data: typeof data === "object" && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : {},
    body: text.slice(match[0].length),
  };
}

export function renderReadme(readme: ParsedReadme): string {
  return `---\n${stringifyYaml(readme.data).trimEnd()}\n---\n${readme.body.startsWith("\n") ? "" : "\n"}${readme.body}`;
}

/**
 * Merges `configs` into card data as `datasets.push_to_hub` does: a pushed config replaces the
 * data_files of the splits it pushes and keeps its other splits; other configs stay.
 */
export function mergeCardConfigs(existing: unknown, pushed: readonly CardConfigEntry[]): CardConfigEntry[] {
  const out: CardConfigEntry[] = Array.isArray(existing)
    ? existing
        .filter((c): c is CardConfigEntry => typeof c === "object" && c !== null && typeof (c as { config_name?: unknown }).config_name === "string")
        .map((c) => ({ ...c }))
    : [];
  for (const config of pushed) {
    const current = out.find((c) => c.config_name === config.config_name);
    if (!current) {
      out.push({ ...config });
      continue;
    }
    const pushedSplits = new Set(config.data_files.map((f) => f.split));
    const kept = Array.isArray(current.data_files) ? current.data_files.filter((f) => typeof f === "object" && f !== null && !pushedSplits.has(f.split)) : [];
    current.data_files = [...kept, ...config.data_files];
  }
  return out;
}
