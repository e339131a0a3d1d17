import { z } from "zod";

/** Where an upstream batch's rows came from: (seq_no, size of that batch, rows taken from it). */
export const createdFromSchema = z.record(z.string(), z.array(z.tuple([z.number().int(), z.number().int(), z.number().int()])));
export type CreatedFrom = z.infer<typeof createdFromSchema>;

/** Whether an output batch is its step's last, where its rows came from and where routing sent them. */
export const batchOriginShape = { last_batch: z.boolean(), created_from: createdFromSchema, batch_routed_to: z.array(z.string()) };

/**
 * A step's output batch as the batch manager buffers it for a successor: counts, never rows.
 * Rows `[consumed, size)` are still to be handed out; the rows live in storage under the key of
 * (producer, seq_no).
 */
export const bufferedBatchSchema = z.object({
  step: z.string(),
  seq_no: z.number().int().nonnegative(),
  size: z.number().int().nonnegative(),
  consumed: z.number().int().nonnegative(),
  ...batchOriginShape,
});
export type BufferedBatch = z.infer<typeof bufferedBatchSchema>;

/** Rows `[start, end)` of the output batch `seq_no` of a producer step. */
export const batchSliceSchema = z.object({
  seq_no: z.number().int().nonnegative(),
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
});
export type BatchSlice = z.infer<typeof batchSliceSchema>;

/** One predecessor's share of an input batch, position-aligned with the other predecessors'. */
export const inputPartSchema = z.object({ from: z.string(), slices: z.array(batchSliceSchema) });
export type InputPart = z.infer<typeof inputPartSchema>;

/** A batch built for a step to process (distilabel's `_Batch` on the input side), by reference. */
export const inputBatchSchema = z.object({
  step: z.string(),
  seq_no: z.number().int().nonnegative(),
  last_batch: z.boolean(),
  accumulated: z.boolean(),
  data: z.array(inputPartSchema),
  created_from: createdFromSchema,
  batch_routed_to: z.array(z.string()),
});
export type InputBatch = z.infer<typeof inputBatchSchema>;

/** The fields of a step batch's work item after its `type`. */
export const stepBatchWorkShape = { id: z.string(), run_id: z.string(), step: z.string(), seq_no: z.number().int().nonnegative() };

export function sliceRows(slices: readonly BatchSlice[]): number {
  return slices.reduce((sum, s) => sum + (s.end - s.start), 0);
}

export function inputBatchRows(batch: InputBatch): number {
  return batch.data.reduce((sum, part) => sum + sliceRows(part.slices), 0);
}
