import { z } from "zod";
import { usageByModelSchema } from "../llms/usage/usage.js";
import { offlineBatchJobSchema } from "../llms/offline-batch/offline-batch-job.js";
import { createdFromSchema, inputPartSchema } from "./batch.js";

/** Ask a generator for the batch that starts at `offset`. */
export const generateWorkSchema = z.object({
  type: z.literal("generate"),
  id: z.string(),
  run_id: z.string(),
  step: z.string(),
  seq_no: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  /** Dry runs force the first batch to be the last. */
  force_last_batch: z.boolean(),
});

/** Run a step on an input batch whose rows are referenced by slices of upstream outputs. */
export const processWorkSchema = z.object({
  type: z.literal("process"),
  id: z.string(),
  run_id: z.string(),
  step: z.string(),
  seq_no: z.number().int().nonnegative(),
  last_batch: z.boolean(),
  accumulated: z.boolean(),
  data: z.array(inputPartSchema),
  created_from: createdFromSchema,
  batch_routed_to: z.array(z.string()),
  /** Producer step -> the earlier run whose stored batches it reuses (absent: this run's). */
  sources: z.record(z.string(), z.string()).optional(),
});

/** Write leaf-step batches `[first_seq_no, last_seq_no]` as one Parquet file of the Distiset. */
export const writeParquetWorkSchema = z.object({
  type: z.literal("write_parquet"),
  id: z.string(),
  run_id: z.string(),
  step: z.string(),
  config: z.string(),
  split: z.string(),
  file_index: z.number().int().nonnegative(),
  seq_nos: z.array(z.number().int().nonnegative()),
  /** The earlier run whose stored batches of a reused leaf are written (absent: this run's). */
  source_run_id: z.string().optional(),
});

/** Write the manifest, the dataset card and the log once every file is written. */
export const finalizeWorkSchema = z.object({
  type: z.literal("finalize"),
  id: z.string(),
  run_id: z.string(),
  /** Failed rows per step, for the Distiset's manifest and card. */
  failed_rows: z.record(z.string(), z.number().int().nonnegative()).default({}),
  /** The run's LLM usage per model, for the Distiset's manifest and card. */
  usage: usageByModelSchema.optional(),
});

export const workItemSchema = z.discriminatedUnion("type", [generateWorkSchema, processWorkSchema, writeParquetWorkSchema, finalizeWorkSchema]);
export type WorkItem = z.infer<typeof workItemSchema>;
export type GenerateWork = z.infer<typeof generateWorkSchema>;
export type ProcessWork = z.infer<typeof processWorkSchema>;
export type WriteParquetWork = z.infer<typeof writeParquetWorkSchema>;
export type FinalizeWork = z.infer<typeof finalizeWorkSchema>;

export const reportErrorSchema = z.object({ code: z.string(), message: z.string() });

/** A Parquet file of the Distiset, as its writer reports it. */
export const distisetFileSchema = z.object({ path: z.string(), size_bytes: z.number().int().nonnegative(), num_rows: z.number().int().nonnegative() });
export type DistisetFile = z.infer<typeof distisetFileSchema>;

/** What a worker tells the run once a work item is done (or failed for good). */
export const workReportSchema = z.object({
  id: z.string(),
  run_id: z.string(),
  type: z.enum(["generate", "process", "write_parquet", "finalize"]),
  step: z.string().optional(),
  seq_no: z.number().int().nonnegative().optional(),
  /** Rows in the output batch (generate/process) or the file (write_parquet). */
  num_rows: z.number().int().nonnegative().default(0),
  /** Rows read (process). */
  rows_in: z.number().int().nonnegative().default(0),
  /** Serialized size of the output, to cut Parquet files by size. */
  bytes: z.number().int().nonnegative().default(0),
  last_batch: z.boolean().default(false),
  /** The batch completed but some rows or the whole batch were imputed as null. */
  errors: z.array(reportErrorSchema).default([]),
  /** Output rows whose step failed on them (imputed as null: a whole batch, or single LLM calls). */
  failed_rows: z.number().int().nonnegative().default(0),
  /** The run cannot go on (a generator or global step failed): it fails with this error. */
  fatal: reportErrorSchema.optional(),
  file: distisetFileSchema.optional(),
  columns: z.array(z.string()).optional(),
  /** LLM calls of this batch per model (generate/process). */
  usage: usageByModelSchema.optional(),
  /** Not done yet: the batch is a provider batch job still running (offline batch generation); the run polls it. */
  offline_batch: offlineBatchJobSchema.optional(),
  log: z.array(z.string()).default([]),
});
export type WorkReport = z.infer<typeof workReportSchema>;
export type WorkReportInput = z.input<typeof workReportSchema>;

export function workId(item: { type: string; step?: string; seq_no?: number; config?: string; file_index?: number }): string {
  switch (item.type) {
    case "generate":
    case "process":
      return `${item.type}:${item.step}:${item.seq_no}`;
    case "write_parquet":
      return `write_parquet:${item.config}:${item.file_index}`;
    default:
      return item.type;
  }
}
