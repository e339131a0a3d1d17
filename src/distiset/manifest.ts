import { z } from "zod";
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
