import type { ErrorCode } from "../errors.js";

/** The one table mapping error codes to HTTP statuses. */
export const ERROR_STATUS: Record<ErrorCode, number> = {
  invalid_request: 400,
  invalid_pipeline: 400,
  unknown_type: 400,
  invalid_option: 400,
  invalid_runtime_parameter: 400,
  invalid_dag: 422,
  not_found: 404,
  conflict: 409,
  unauthorized: 401,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  step_failed: 500,
  step_load_failed: 422,
  run_stalled: 500,
  llm_failed: 502,
  remote_failed: 502,
  storage_failed: 500,
  internal: 500,
};
