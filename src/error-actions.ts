import { DistilflareError, type ErrorCode } from "./errors.js";

/**
 * What becomes of a step batch that failed with a code: `retry` (transient: sent again with
 * backoff, then imputed as null for a normal step, failing the run for a generator or global
 * step), `impute` (retrying cannot fix bad options or inputs: imputed at once, or the run fails
 * for a generator or global step), `fail_run` (the run cannot go on: its pipeline or a step's
 * load is broken).
 */
export type QueueAction = "retry" | "impute" | "fail_run";

/** The one table from error code to HTTP status (the API layer) and queue action (the work runner). */
export const ERROR_ACTIONS: Record<ErrorCode, { status: number; queue: QueueAction }> = {
  invalid_request: { status: 400, queue: "impute" },
  invalid_pipeline: { status: 400, queue: "fail_run" },
  unknown_type: { status: 400, queue: "fail_run" },
  invalid_option: { status: 400, queue: "impute" },
  invalid_runtime_parameter: { status: 400, queue: "impute" },
  invalid_dag: { status: 422, queue: "impute" },
  // A remote file or resource missing now may be there on the next attempt (a dataset being written).
  not_found: { status: 404, queue: "retry" },
  conflict: { status: 409, queue: "retry" },
  unauthorized: { status: 401, queue: "retry" },
  payload_too_large: { status: 413, queue: "retry" },
  unsupported_media_type: { status: 415, queue: "retry" },
  rate_limited: { status: 429, queue: "retry" },
  step_failed: { status: 500, queue: "retry" },
  step_load_failed: { status: 422, queue: "fail_run" },
  run_stalled: { status: 500, queue: "fail_run" },
  llm_failed: { status: 502, queue: "retry" },
  remote_failed: { status: 502, queue: "retry" },
  storage_failed: { status: 500, queue: "retry" },
  internal: { status: 500, queue: "retry" },
};

/** The queue action of anything a step threw (errors without a code are transient until proven otherwise). */
export function queueActionOf(error: unknown): QueueAction {
  return error instanceof DistilflareError ? ERROR_ACTIONS[error.code].queue : "retry";
}
