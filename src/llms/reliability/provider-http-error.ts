/**
 * An HTTP error from a provider we call with plain `fetch` (Anthropic, embeddings): the status,
 * the response headers (for `Retry-After`) and the provider's own message.
 */
export class ProviderHttpError extends Error {
  readonly status: number;
  readonly headers: Headers;

  constructor(options: { status: number; headers: Headers; message: string }) {
    super(options.message);
    this.name = "ProviderHttpError";
    this.status = options.status;
    this.headers = options.headers;
  }

  /** Reads a failed response into an error, taking the provider's message from a JSON body when there is one. */
  static async fromResponse(response: Response): Promise<ProviderHttpError> {
    const text = await response.text().catch(() => "");
    return new ProviderHttpError({ status: response.status, headers: response.headers, message: `HTTP ${response.status}: ${providerMessage(text)}` });
  }
}

/** The human part of an error body: `{error: {message}}`, `{error: "..."}`, `{message}`, `{detail}`, else the text. */
export function providerMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as unknown;
    if (parsed && typeof parsed === "object") {
      const record = parsed as Record<string, unknown>;
      const error = record.error;
      if (typeof error === "string") return error;
      if (error && typeof error === "object" && typeof (error as { message?: unknown }).message === "string") {
        return (error as { message: string }).message;
      }
      if (typeof record.message === "string") return record.message;
      if (typeof record.detail === "string") return record.detail;
    }
  } catch {
    // not JSON: fall through to the raw text
  }
  const trimmed = body.trim();
  return trimmed.length > 0 ? trimmed.slice(0, 500) : "(empty body)";
}
