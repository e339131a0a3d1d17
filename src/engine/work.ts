import { z } from "zod";
import { usageByModelSchema } from "../llms/usage/usage.js";
import { offlineBatchJobSchema } from "../llms/offline-batch/offline-batch-job.js";
import { WORK_TYPES } from "./work-types/index.js";

type WorkTypes = typeof WORK_TYPES;
type WorkTypeName = keyof WorkTypes;
type WorkSchemaOf = WorkTypes[WorkTypeName]["schema"];

/** Any work item, as it travels on the queues and is kept in the run's state: one of the table's schemas. */
export const workItemSchema = z.discriminatedUnion("type", Object.values(WORK_TYPES).map((kind) => kind.schema) as [WorkSchemaOf, ...WorkSchemaOf[]]);
export type WorkItem = z.infer<typeof workItemSchema>;

export const reportErrorSchema = z.object({ code: z.string(), message: z.string() });

/** A Parquet file of the Distiset, as its writer reports it. */
export const distisetFileSchema = z.object({ path: z.string(), size_bytes: z.number().int().nonnegative(), num_rows: z.number().int().nonnegative() });
export type DistisetFile = z.infer<typeof distisetFileSchema>;

/** What a worker tells the run once a work item is done (or failed for good). */
export const workReportSchema = z.object({
  id: z.string(),
  run_id: z.string(),
  type: z.enum(Object.keys(WORK_TYPES) as [WorkTypeName, ...WorkTypeName[]]),
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
