import { providerMessage } from "./provider-http-error.js";
import { parseRetryAfterMs, type HeaderSource } from "./retry-after.js";

/** What went wrong with one attempt, and whether another attempt may help. */
export interface CallFailure {
  retryable: boolean;
  /** The run was cancelled (our caller's signal): never retried. */
  cancelled: boolean;
  status: number | undefined;
  retryAfterMs: number | undefined;
  message: string;
}

export interface ObservedResponse {
  status: number;
  headers: Headers;
}

/**
 * 408/409/425/429 and every 5xx are worth another attempt (the OpenAI SDK retries the same set);
 * other 4xx (400, 401, 403, 404, 422...) will fail the same way again.
 */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 425 || status === 429 || status >= 500;
}

const NETWORK_ERROR_NAMES = new Set([
  "IncompleteStreamError",
  "APIConnectionError",
  "APIConnectionTimeoutError",
  "FetchError",
  "ConnectTimeoutError",
  "SocketError",
]);
const NETWORK_ERROR_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);
/** Workers AI binding errors carry no status; these messages mean "try again later". */
const TRANSIENT_MESSAGE =
  /\b(3040|3007|3043)\b|capacity temporarily exceeded|too many requests|rate limit|temporarily unavailable|internal server error|service unavailable|upstream|network connection lost/i;

export interface ClassifyInput {
  error: unknown;
  /** Our per-attempt timeout fired. */
  timedOut: boolean;
  timeoutMs: number;
  /** The caller's signal aborted (run stopping). */
  cancelled: boolean;
  /** The last HTTP response this attempt saw, for clients whose errors drop the headers. */
  lastResponse: ObservedResponse | undefined;
  now?: number;
}

/** Sorts an attempt's error into retryable or final, with the status and `Retry-After` when known. */
export function classifyError(input: ClassifyInput): CallFailure {
  const { error } = input;
  if (input.cancelled) return failure({ retryable: false, cancelled: true, message: `cancelled: ${describeError(error)}` });
  if (input.timedOut) return failure({ retryable: true, message: `timed out after ${input.timeoutMs} ms` });

  const status = statusOf(error) ?? (input.lastResponse && input.lastResponse.status >= 400 ? input.lastResponse.status : undefined);
  if (status !== undefined) {
    const headers = headersOf(error) ?? (input.lastResponse?.status === status ? input.lastResponse.headers : undefined);
    return failure({
      retryable: isRetryableStatus(status),
      status,
      retryAfterMs: parseRetryAfterMs(headers, input.now ?? Date.now()),
      message: withResponseBody(describeError(error), error),
    });
  }
  if (isNetworkError(error)) return failure({ retryable: true, message: `network error: ${describeError(error)}` });
  if (error instanceof SyntaxError) return failure({ retryable: false, message: `malformed response (invalid JSON): ${error.message}` });
  const message = describeError(error);
  return failure({ retryable: TRANSIENT_MESSAGE.test(message), message });
}

function failure(partial: Partial<CallFailure> & { message: string; retryable: boolean }): CallFailure {
  return { cancelled: false, status: undefined, retryAfterMs: undefined, ...partial };
}

/**
 * @huggingface/inference words some failures generically ("an HTTP error occurred") and keeps
 * the provider's own message in `httpResponse.body`: add it.
 */
function withResponseBody(message: string, error: unknown): string {
  const body = (error as { httpResponse?: { body?: unknown } } | null)?.httpResponse?.body;
  if (body === undefined || body === null || body === "") return message;
  const detail = providerMessage(typeof body === "string" ? body : JSON.stringify(body));
  return message.includes(detail) ? message : `${message} (${detail})`;
}

function statusOf(error: unknown): number | undefined {
  const fields = error as { status?: unknown; httpResponse?: { status?: unknown } } | null | undefined;
  // @huggingface/inference keeps the status on `httpResponse`.
  const status = [fields?.status, fields?.httpResponse?.status].find((value) => typeof value === "number" && value >= 100);
  return status as number | undefined;
}

function headersOf(error: unknown): HeaderSource {
  const headers = (error as { headers?: unknown } | null | undefined)?.headers;
  return headers && typeof headers === "object" ? (headers as HeaderSource) : undefined;
}

function isNetworkError(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && typeof current === "object" && depth < 5; depth++) {
    const { name, code } = current as { name?: unknown; code?: unknown };
    if (typeof name === "string" && NETWORK_ERROR_NAMES.has(name)) return true;
    if (typeof code === "string" && NETWORK_ERROR_CODES.has(code)) return true;
    // undici (Node) and workerd reject a failed connection with a TypeError.
    if (current instanceof TypeError && /fetch failed|network|socket|connection/i.test(current.message)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** An error's message plus its causes' (undici hides the useful part in `cause`). */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  for (let current: unknown = error, depth = 0; current !== undefined && current !== null && depth < 4; depth++) {
    const message = current instanceof Error ? current.message : typeof current === "string" ? current : JSON.stringify(current);
    if (message && !parts.includes(message)) parts.push(message);
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(" (") + ")".repeat(Math.max(0, parts.length - 1)) || "unknown error";
}
