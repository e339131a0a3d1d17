import { DistilflareError, errorMessage } from "../errors.js";

/** Why a Hub call failed; stable strings, so callers and tests branch on them, never on messages. */
export type HubFailureReason =
  | "repo_not_found"
  | "revision_not_found"
  | "entry_not_found"
  | "config_not_found"
  | "split_not_found"
  | "unauthorized"
  | "forbidden"
  | "unreachable"
  | "timeout"
  | "bad_response"
  | "http_error";

export interface HubErrorDetails {
  repo_id: string;
  reason: HubFailureReason;
  status?: number | undefined;
  url?: string | undefined;
  [key: string]: unknown;
}

/** A failed Hugging Face Hub call: always names the repository and the cause. */
export class HubError extends DistilflareError {
  readonly reason: HubFailureReason;

  constructor(message: string, details: HubErrorDetails, options?: { cause?: unknown }) {
    super("remote_failed", message, stripUndefined(details), options);
    this.name = "HubError";
    this.reason = details.reason;
  }
}

export function isHubError(error: unknown, ...reasons: HubFailureReason[]): error is HubError {
  return error instanceof HubError && (reasons.length === 0 || reasons.includes(error.reason));
}

export interface HubCallContext {
  repoId: string;
  /** What was being done, for the message: "reading the dataset info". */
  what: string;
  endpoint: string;
  hasToken: boolean;
  revision?: string | undefined;
  /** What a plain 404 (no `X-Error-Code`) means for this call; `entry_not_found` by default. */
  notFound?: HubFailureReason | undefined;
}

/**
 * Turns a non-2xx Hub response into a HubError. The Hub answers 401 with `X-Error-Code:
 * RepoNotFound` for a missing or private repository when the caller is anonymous, so the
 * message covers both.
 */
export async function hubErrorFromResponse(response: Response, context: HubCallContext): Promise<HubError> {
  const code = response.headers.get("x-error-code") ?? "";
  const serverMessage = await readServerMessage(response);
  const status = response.status;
  const fail = (reason: HubFailureReason, message: string) =>
    new HubError(message, { repo_id: context.repoId, status, url: response.url || undefined, reason });
  const said = serverMessage ? `: ${serverMessage}` : "";
  const tokenHint = context.hasToken ? "" : " If it is private or gated, set the HF_TOKEN secret (or pass a token).";
  const during = `while ${context.what} for dataset '${context.repoId}'`;
  if (code === "RepoNotFound" || (status === 404 && code === "" && context.notFound === "repo_not_found")) {
    const unseen = context.hasToken ? ", or the HF_TOKEN cannot see it" : "";
    return fail(
      "repo_not_found",
      `Dataset '${context.repoId}' was not found on the Hub at ${context.endpoint} (HTTP ${status})${unseen}.${tokenHint} Check repo_id.`,
    );
  }
  if (code === "RevisionNotFound") {
    return fail(
      "revision_not_found",
      `Revision '${context.revision ?? "main"}' of dataset '${context.repoId}' does not exist on the Hub (HTTP ${status})${said}`,
    );
  }
  if (code === "GatedRepo") {
    const accept = "accept its access conditions on the Hub with the account whose HF_TOKEN the pipeline uses.";
    return fail("forbidden", `Dataset '${context.repoId}' is gated (HTTP ${status}): ${accept}${tokenHint}`);
  }
  if (status === 401) {
    return fail(
      "unauthorized",
      context.hasToken
        ? `The Hub rejected the token ${during} (HTTP 401${said}): the HF_TOKEN is invalid or expired.`
        : `The Hub requires authentication ${during} (HTTP 401${said}): set the HF_TOKEN secret.`,
    );
  }
  if (status === 403) {
    const needed = "the token lacks the needed permission (read for loading, write for pushing).";
    return fail("forbidden", `The Hub refused access ${during} (HTTP 403${said}): ${needed}`);
  }
  if (status === 404 || code === "EntryNotFound") return fail(context.notFound ?? "entry_not_found", `Not found on the Hub ${during} (HTTP ${status})${said}`);
  return fail("http_error", `The Hub failed ${during} (HTTP ${status})${said}`);
}

/** A fetch that threw: the Hub was unreachable or too slow. */
export function hubNetworkError(error: unknown, context: HubCallContext, timeoutMs: number): HubError {
  const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
  if (timedOut) {
    return new HubError(
      `The Hub at ${context.endpoint} did not answer within ${Math.round(timeoutMs / 1000)} s while ${context.what} for dataset '${context.repoId}'.`,
      { repo_id: context.repoId, reason: "timeout" },
      { cause: error },
    );
  }
  return new HubError(
    `Could not reach the Hub at ${context.endpoint} while ${context.what} for dataset '${context.repoId}': ${networkCause(error)}`,
    { repo_id: context.repoId, reason: "unreachable" },
    { cause: error },
  );
}

/** undici hides the socket error in `cause` ("fetch failed" -> "connect ECONNREFUSED 127.0.0.1:9"). */
export function networkCause(error: unknown): string {
  const message = errorMessage(error);
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause !== undefined && cause !== null) {
    const inner = errorMessage(cause);
    if (inner && inner !== message) return `${message} (${inner})`;
  }
  return message;
}

async function readServerMessage(response: Response): Promise<string> {
  const header = response.headers.get("x-error-message");
  if (header) return header;
  try {
    const text = (await response.text()).trim();
    if (!text) return "";
    try {
      const json = JSON.parse(text) as { error?: unknown; message?: unknown };
      const value = json.error ?? json.message;
      if (typeof value === "string") return value.slice(0, 300);
    } catch {
      // Not JSON: fall through to the raw text.
    }
    return text.slice(0, 300);
  } catch {
    return "";
  }
}

function stripUndefined(details: HubErrorDetails): Record<string, unknown> {
  return Object.fromEntries(Object.entries(details).filter(([, value]) => value !== undefined));
}
