import { z } from "zod";
import { workItemSchema } from "../engine/work.js";

/**
 * A queue message: the work itself, or a pointer to it in storage when it would not fit a
 * queue message (128 KB; a global step's input can reference thousands of batches).
 */
export const workMessageSchema = z.union([
  z.object({ run_id: z.string(), work: workItemSchema }),
  z.object({ run_id: z.string(), work_id: z.string(), work_ref: z.string() }),
]);
export type WorkMessage = z.infer<typeof workMessageSchema>;

/** Messages above this many bytes of JSON go through storage instead. */
export const MAX_INLINE_MESSAGE_BYTES = 96_000;
