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
      const record = parsed as { error?: unknown; message?: unknown; detail?: unknown };
      const nested = (record.error as { message?: unknown } | null | undefined)?.message;
      const message = [record.error, nested, record.message, record.detail].find((value) => typeof value === "string");
      if (message !== undefined) return message as string;
    }
  } catch {
    // not JSON: fall through to the raw text
  }
  const trimmed = body.trim();
  return trimmed.length > 0 ? trimmed.slice(0, 500) : "(empty body)";
}
