import { z } from "zod";
import { OptionError } from "../errors.js";

/** The file formats the loaders read (distilabel's `filetype`). */
export const fileTypeSchema = z.enum(["parquet", "jsonl", "json", "csv"]);
export type FileType = z.infer<typeof fileTypeSchema>;

const EXTENSIONS: Record<string, FileType> = { parquet: "parquet", pq: "parquet", jsonl: "jsonl", ndjson: "jsonl", json: "json", csv: "csv" };

/** The format a file name implies, if its extension is one we read. */
export function fileTypeOf(name: string): FileType | undefined {
  const base = name.split(/[?#]/)[0] ?? name;
  const extension = base.slice(base.lastIndexOf(".") + 1).toLowerCase();
  return base.includes(".") ? EXTENSIONS[extension] : undefined;
}

/**
 * One format for all the files of a source: the given one, or the one their extensions agree on.
 *
 * @throws OptionError naming `filetype` when extensions are missing, unknown or mixed.
 */
export function resolveFileType(names: readonly string[], given: FileType | undefined, owner: string): FileType {
  if (given !== undefined) return given;
  const kinds = new Set(names.map((name) => fileTypeOf(name) ?? "unknown"));
  const only = kinds.size === 1 ? [...kinds][0] : undefined;
  if (only !== undefined && only !== "unknown") return only as FileType;
  throw new OptionError(
    `${owner}: cannot infer the file type of ${names
      .slice(0, 3)
      .map((n) => `'${n}'`)
      .join(", ")}${names.length > 3 ? ", ..." : ""}; set filetype to one of ${fileTypeSchema.options.join(", ")}`,
    { component: owner, field: "filetype", expected: `one of ${fileTypeSchema.options.join(", ")}` },
  );
}
