import type { AsyncBuffer } from "hyparquet";
import { DistilflareError } from "../errors.js";
import { networkCause } from "../hub/hub-error.js";

/**
 * Sends one request and returns a 2xx response; anything else (network error, timeout, error
 * status) is thrown as a DistilflareError that names the resource. The Hub client and plain URLs
 * each bring their own, so messages name a dataset or a URL.
 */
export type HttpRequester = (url: string, init: HttpRequestInit) => Promise<Response>;

export interface HttpRequestInit {
  method?: "GET" | "HEAD";
  headers?: Record<string, string>;
  /** What the request is for, for error messages: "reading bytes 0-99". */
  what: string;
}

export const DEFAULT_HTTP_TIMEOUT_MS = 60_000;

/** A requester for public URLs (data_files at an http(s) address). */
export function plainHttpRequester(options: { fetch: typeof fetch; timeoutMs?: number | undefined; headers?: Record<string, string> }): HttpRequester {
  const timeoutMs = options.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
  return async (url, init) => {
    let response: Response;
    try {
      response = await options.fetch(url, {
        method: init.method ?? "GET",
        headers: { ...options.headers, ...init.headers },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
      throw new DistilflareError(
        "remote_failed",
        timedOut
          ? `'${url}' did not answer within ${Math.round(timeoutMs / 1000)} s while ${init.what}`
          : `Could not fetch '${url}' while ${init.what}: ${networkCause(error)}`,
        { url, reason: timedOut ? "timeout" : "unreachable" },
        { cause: error },
      );
    }
    if (!response.ok) {
      // The body is never echoed: whatever the server put there (an internal page, a header it
      // reflects) must not reach run errors or the API.
      await response.body?.cancel().catch(() => {});
      throw new DistilflareError("remote_failed", `'${url}' answered HTTP ${response.status} while ${init.what}`, {
        url,
        status: response.status,
        reason: response.status === 404 ? "not_found" : "http_error",
      });
    }
    return response;
  };
}

/**
 * hyparquet's AsyncBuffer over a remote file: every slice is one Range request, so a Parquet
 * reader fetches the footer and the row groups it needs, never the whole file. A server that
 * ignores Range answers 200 with the whole body; that still works, at the cost of the download.
 */
export function httpAsyncBuffer(request: HttpRequester, url: string, size: number): AsyncBuffer {
  return {
    byteLength: size,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const stop = Math.min(end ?? size, size);
      if (stop <= start) return new ArrayBuffer(0);
      const response = await request(url, { headers: { range: `bytes=${start}-${stop - 1}` }, what: `reading bytes ${start}-${stop - 1}` });
      const body = await response.arrayBuffer();
      if (response.status === 206) {
        if (body.byteLength !== stop - start) {
          throw new DistilflareError("remote_failed", `'${url}' returned ${body.byteLength} bytes for a range of ${stop - start}`, {
            url,
            reason: "bad_response",
          });
        }
        return body;
      }
      return body.slice(start, stop);
    },
  };
}

/**
 * The size of a remote file with one small request: a 1-byte Range GET whose Content-Range holds
 * the total (HEAD is not always allowed, and the Hub's HEAD on LFS files is a redirect).
 */
export async function httpFileSize(request: HttpRequester, url: string): Promise<number> {
  const response = await request(url, { headers: { range: "bytes=0-0" }, what: "reading its size" });
  const contentRange = response.headers.get("content-range");
  const linked = response.headers.get("x-linked-size");
  await response.body?.cancel().catch(() => {});
  const total = contentRange?.match(/\/(\d+)\s*$/)?.[1];
  if (total !== undefined) return Number(total);
  if (response.status === 200) {
    const length = linked ?? response.headers.get("content-length");
    if (length !== null && /^\d+$/.test(length)) return Number(length);
  }
  throw new DistilflareError("remote_failed", `'${url}' does not report its size (no Content-Range or Content-Length)`, { url, reason: "bad_response" });
}

/**
 * The bytes of a remote file from `start` to the end, as they arrive (one request, streamed).
 * Used by the line readers, which stop pulling as soon as they have their rows.
 */
export async function* httpChunks(request: HttpRequester, url: string, start: number): AsyncGenerator<Uint8Array> {
  const response = await request(url, { headers: start > 0 ? { range: `bytes=${start}-` } : {}, what: `reading from byte ${start}` });
  if (!response.body) return;
  // A server that ignored Range sends the whole file: skip what comes before `start`.
  let skip = response.status === 206 ? 0 : start;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      if (skip >= value.byteLength) {
        skip -= value.byteLength;
        continue;
      }
      yield skip > 0 ? value.subarray(skip) : value;
      skip = 0;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}
