/**
 * One error base for the whole project. Every failure a user can cause or observe carries a
 * stable `code`; one table (src/error-actions.ts) gives each code its HTTP status, which the API
 * layer answers with, and its queue action (retry, impute, fail the run), which the work runner follows.
 */
export const ERROR_CODES = [
  /** The request body or a field of it is malformed. */
  "invalid_request",
  /** A serialized pipeline does not have the expected shape. */
  "invalid_pipeline",
  /** `type_info.name` does not resolve in the registry. */
  "unknown_type",
  /** The DAG failed validation (roots, cycles, inputs, mappings, batch sizes, routing). */
  "invalid_dag",
  /** A runtime parameter is unknown, missing or has the wrong type. */
  "invalid_runtime_parameter",
  /** A step or component option has the wrong type or value. */
  "invalid_option",
  "not_found",
  /** The resource exists but is not in a state that allows the action. */
  "conflict",
  "unauthorized",
  "payload_too_large",
  "unsupported_media_type",
  /** A step failed while processing a batch. */
  "step_failed",
  /** A step's `load()` failed (a missing secret, a bad client setting) before any batch ran. */
  "step_load_failed",
  /** Nothing is in flight and no batch can be built, but steps are unfinished. */
  "run_stalled",
  /** An LLM provider call failed after its retries. */
  "llm_failed",
  /** A provider or our own limiter refused the call for now. */
  "rate_limited",
  /** Reading or writing rows, Parquet or state failed. */
  "storage_failed",
  /** A remote dataset or Hub operation failed. */
  "remote_failed",
  "internal",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

export class DistilflareError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DistilflareError";
    this.code = code;
    this.details = details;
  }

  toJSON(): ErrorBody {
    return this.details === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, details: this.details };
  }
}

/** A validation failure of the pipeline graph, naming the step and the field at fault. */
export class DagValidationError extends DistilflareError {
  constructor(message: string, details: { step?: string; field?: string; expected?: string; [k: string]: unknown }) {
    super("invalid_dag", message, details);
    this.name = "DagValidationError";
  }
}

export class RuntimeParameterError extends DistilflareError {
  constructor(message: string, details: { step?: string; parameter: string; expected?: string; [k: string]: unknown }) {
    super("invalid_runtime_parameter", message, details);
    this.name = "RuntimeParameterError";
  }
}

export class OptionError extends DistilflareError {
  constructor(message: string, details: { component?: string; field: string; expected?: string; [k: string]: unknown }) {
    super("invalid_option", message, details);
    this.name = "OptionError";
  }
}

export class UnknownTypeError extends DistilflareError {
  constructor(kind: string, name: string, known: readonly string[]) {
    super("unknown_type", `Unknown ${kind} type '${name}'. Known ${kind} types: ${[...known].sort().join(", ")}`, { kind, name, known: [...known].sort() });
    this.name = "UnknownTypeError";
  }
}

export class SerializationError extends DistilflareError {
  constructor(message: string, details?: Record<string, unknown>) {
    super("invalid_pipeline", message, details);
    this.name = "SerializationError";
  }
}

/** distilabel's "Failed to load all the steps": every step whose `load()` failed, with its cause. */
export class StepLoadError extends DistilflareError {
  constructor(failures: ReadonlyArray<{ step: string; code: string; message: string }>) {
    super("step_load_failed", `Failed to load all the steps: ${failures.map((f) => `step '${f.step}': ${f.message}`).join("; ")}`, {
      steps: failures.map((f) => ({ ...f })),
    });
    this.name = "StepLoadError";
  }
}

export class NotFoundError extends DistilflareError {
  constructor(message: string, details?: Record<string, unknown>) {
    super("not_found", message, details);
    this.name = "NotFoundError";
  }
}

/** Anything thrown, as a DistilflareError (unknown errors become `internal`). */
export function toDistilflareError(error: unknown, fallback: ErrorCode = "internal"): DistilflareError {
  if (error instanceof DistilflareError) return error;
  if (isErrorBody(error)) return new DistilflareError(error.code, error.message, error.details);
  const message = error instanceof Error ? error.message : String(error);
  return new DistilflareError(fallback, message, undefined, { cause: error });
}

export function isErrorCode(value: string): value is ErrorCode {
  return (ERROR_CODES as readonly string[]).includes(value);
}

/** Shape check rather than `instanceof`: errors crossing RPC or JSON lose their class. */
export function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === "string" && (ERROR_CODES as readonly string[]).includes(v.code) && typeof v.message === "string";
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
