import { z } from "zod";
import { DistilflareError } from "../errors.js";
import { getJson, type BlobStore } from "../runtime/blob-store.js";
import { runKeys } from "../runtime/run-keys.js";
import { usageTotalsSchema } from "../llms/usage/usage.js";
import { TableSchemaSchema } from "./parquet/index.js";

export const manifestFileSchema = z.object({ path: z.string(), size_bytes: z.number().int().nonnegative(), num_rows: z.number().int().nonnegative() });

export const manifestConfigSchema = z.object({
  /** The leaf step whose rows form this config. */
  step: z.string(),
  columns: z.array(z.string()),
  /** The Parquet column types, in our JSON form. */
  schema: TableSchemaSchema.optional(),
  splits: z.record(z.string(), z.object({ num_rows: z.number().int().nonnegative(), files: z.array(manifestFileSchema) })),
});

/** `distiset.json`: every config of the Distiset with its files (DESIGN.md section 5). */
export const distisetManifestSchema = z.object({
  run_id: z.string(),
  pipeline: z.string(),
  configs: z.record(z.string(), manifestConfigSchema),
  created_at: z.string(),
  /** Per step, rows whose step failed on them and that carry null outputs (absent: none). */
  failed_rows: z.record(z.string(), z.number().int().nonnegative()).optional(),
  /** LLM calls, tokens and cost of the run, in total and per `provider:model` (absent: no LLM calls). */
  usage: usageTotalsSchema.extend({ by_model: z.record(z.string(), usageTotalsSchema) }).optional(),
});
export type DistisetManifest = z.infer<typeof distisetManifestSchema>;
export type ManifestConfig = z.infer<typeof manifestConfigSchema>;

/** A stored `distiset.json` that does not have the manifest's shape: the Distiset is damaged, not the request. */
export class InvalidManifestError extends DistilflareError {
  constructor(runId: string) {
    super("storage_failed", `'${runKeys.manifest(runId)}' is not a valid Distiset manifest`, { run_id: runId, key: runKeys.manifest(runId) });
    this.name = "InvalidManifestError";
  }
}

/**
 * The one reader of a run's `distiset.json`. Absent (the run has not succeeded) is `undefined`:
 * what that means differs by caller (a conflict for the API and Hub pushes, a bad `dataset_path`
 * for a step); a manifest that does not parse is always an `InvalidManifestError`.
 */
export async function readManifest(store: BlobStore, runId: string): Promise<DistisetManifest | undefined> {
  const raw = await getJson(store, runKeys.manifest(runId));
  if (raw === null) return undefined;
  const parsed = distisetManifestSchema.safeParse(raw);
  if (!parsed.success) throw new InvalidManifestError(runId);
  return parsed.data;
}
