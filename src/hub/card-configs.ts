/** A config as a dataset card's `configs:` front matter declares it, normalised. */
export interface CardConfig {
  name: string;
  isDefault: boolean;
  /** Split name -> path patterns, relative to the repository root. */
  dataFiles: Record<string, string[]>;
}

/**
 * Reads `configs:` from card data, accepting every form `datasets` does for `data_files`: a
 * pattern, a list of patterns (both the `train` split), a `{split: patterns}` map, or a list of
 * `{split, path}` entries; `data_dir` prefixes the patterns.
 */
export function parseCardConfigs(cardData: Record<string, unknown> | null | undefined): CardConfig[] {
  const raw = cardData?.configs;
  if (!Array.isArray(raw)) return [];
  const out: CardConfig[] = [];
  for (const entry of raw) {
    if (typeof entry !== "object" || entry === null) continue;
    const record = entry as Record<string, unknown>;
    if (typeof record.config_name !== "string") continue;
    const dataDir = typeof record.data_dir === "string" ? record.data_dir.replace(/\/+$/, "") : "";
    const dataFiles = normaliseDataFiles(record.data_files ?? (dataDir ? "**" : undefined));
    const prefixed = Object.fromEntries(Object.entries(dataFiles).map(([split, patterns]) => [split, patterns.map((p) => (dataDir ? `${dataDir}/${p}` : p))]));
    out.push({ name: record.config_name, isDefault: record.default === true, dataFiles: prefixed });
  }
  return out;
}

function normaliseDataFiles(value: unknown): Record<string, string[]> {
  if (typeof value === "string") return { train: [value] };
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === "string")) return { train: value as string[] };
    const out: Record<string, string[]> = {};
    for (const item of value) {
      if (typeof item !== "object" || item === null) continue;
      const { split, path } = item as { split?: unknown; path?: unknown };
      const name = typeof split === "string" ? split : "train";
      out[name] = [...(out[name] ?? []), ...patternsOf(path)];
    }
    return out;
  }
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([split, path]) => [split, patternsOf(path)]));
  }
  return {};
}

function patternsOf(path: unknown): string[] {
  if (typeof path === "string") return [path];
  if (Array.isArray(path)) return path.filter((p): p is string => typeof p === "string");
  return [];
}
