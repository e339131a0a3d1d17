import { DistilflareError } from "../../errors.js";

/**
 * Thrown by a task's `formatInput` when one row cannot be turned into a prompt (a chat whose
 * last message is not from the user, a malformed per-row schema). The task then skips the LLM
 * for that row and emits it with null outputs, the reason in `distilabel_metadata` and a
 * warning, instead of failing the whole batch.
 */
export class RowInputError extends DistilflareError {
  constructor(message: string, details: { field: string; expected?: string; [key: string]: unknown }) {
    super("step_failed", message, details);
    this.name = "RowInputError";
  }
}
