import { z } from "zod";
import { DistilflareError } from "../errors.js";
import type { StepServices } from "../steps/step-context.js";
import { blobByteSource, httpByteSource, type ByteSource } from "./byte-source.js";
import { fileTypeOf, resolveFileType, type FileType } from "./file-type.js";
import { globPrefix, compileGlob, hasGlob } from "./glob.js";
import { httpFileSize, plainHttpRequester } from "./http-file.js";

/** A file a `data_files` entry resolved to. */
export const dataFileSchema = z.object({
  /** `blob`: a key of the run's object store (R2); `url`: an http(s) address. */
  kind: z.enum(["blob", "url"]),
  name: z.string(),
  size: z.number().int().nonnegative(),
});
export type DataFile = z.infer<typeof dataFileSchema>;

const URL_PATTERN = /^https?:\/\//i;

/**
 * Expands `data_files` entries: an http(s) URL, an object key, a key prefix (`runs/x/` or a key
 * that names a folder), or a glob over keys (`runs/*\/batches/**\/*.jsonl`). Listings keep the
 * files of the file type (given or inferred); entries keep their order, files within a listing
 * are sorted by key.
 *
 * @throws DistilflareError `invalid_runtime_parameter` when an entry matches nothing.
 */
export async function resolveDataFiles(
  entries: readonly string[],
  options: { services: Pick<StepServices, "blobs" | "fetch">; filetype: FileType | undefined; owner: string },
): Promise<{ files: DataFile[]; filetype: FileType }> {
  const files: DataFile[] = [];
  const requester = plainHttpRequester({ fetch: options.services.fetch });
  for (const entry of entries) {
    if (URL_PATTERN.test(entry)) {
      files.push({ kind: "url", name: entry, size: await httpFileSize(requester, entry) });
      continue;
    }
    const store = options.services.blobs;
    if (!store) {
      throw new DistilflareError(
        "invalid_request",
        `${options.owner}: data_files '${entry}' names an object key, but this runtime has no object store; use an http(s) URL`,
        { field: "data_files" },
      );
    }
    const key = entry.replace(/^r2:\/\//, "").replace(/^\/+/, "");
    let listed: DataFile[];
    if (hasGlob(key)) {
      const pattern = compileGlob(key);
      listed = (await store.list(globPrefix(key))).filter((o) => pattern.test(o.key)).map((o) => ({ kind: "blob", name: o.key, size: o.size }));
    } else {
      const head = key.endsWith("/") ? null : await store.head(key);
      listed = head
        ? [{ kind: "blob", name: key, size: head.size }]
        : (await store.list(key.endsWith("/") ? key : `${key}/`)).map((o) => ({ kind: "blob", name: o.key, size: o.size }));
    }
    const kept = filterListing(listed, options.filetype);
    if (kept.length === 0) {
      throw new DistilflareError("invalid_runtime_parameter", `${options.owner}: data_files '${entry}' matches no object in the run's object store`, {
        field: "data_files",
        parameter: "data_files",
        expected: "an object key, a key prefix or a glob that matches at least one object",
      });
    }
    files.push(...kept.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)));
  }
  const names = files.map((f) => f.name);
  return { files, filetype: resolveFileType(names, options.filetype, options.owner) };
}

/** The bytes of a resolved file, from the object store or over HTTP with Range requests. */
export function dataFileSource(file: DataFile, services: Pick<StepServices, "blobs" | "fetch">): ByteSource {
  if (file.kind === "url") return httpByteSource(plainHttpRequester({ fetch: services.fetch }), file.name, file.size);
  if (!services.blobs) throw new DistilflareError("internal", `No object store to read '${file.name}' from`);
  return blobByteSource(services.blobs, file.name, file.size);
}

/**
 * In a listing, keep the files of the chosen type (all of them when none has its extension), or
 * of any type we read when none is chosen: a `_SUCCESS` marker or a README never becomes data.
 */
function filterListing(files: DataFile[], filetype: FileType | undefined): DataFile[] {
  if (files.length <= 1) return files;
  if (filetype === undefined) return files.filter((file) => fileTypeOf(file.name) !== undefined);
  const exact = files.filter((file) => fileTypeOf(file.name) === filetype);
  return exact.length > 0 ? exact : files;
}
