/** HTTP answers of the Hub stand-in, shared by its routes. */
import { sha256Hex } from "./fake-hub-repos.js";
import type { RecordedRequest } from "./fake-hub.js";

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

export function redirect(location: string, headers: Record<string, string> = {}): Response {
  return new Response(null, { status: 302, headers: { location, ...headers } });
}

export function sendBytes(request: Request, record: RecordedRequest, bytes: Uint8Array): Response {
  const headers: Record<string, string> = { "accept-ranges": "bytes", "content-type": "application/octet-stream", etag: `"${sha256Hex(bytes)}"` };
  const range = parseRange(request.headers.get("range"), bytes.byteLength);
  if (range === "unsatisfiable") return new Response(null, { status: 416, headers: { ...headers, "content-range": `bytes */${bytes.byteLength}` } });
  const body = range ? bytes.subarray(range.start, range.end + 1) : bytes;
  record.range = range ?? { start: 0, end: bytes.byteLength - 1 };
  if (range) headers["content-range"] = `bytes ${range.start}-${range.end}/${bytes.byteLength}`;
  headers["content-length"] = String(body.byteLength);
  if (request.method === "HEAD") return new Response(null, { status: range ? 206 : 200, headers });
  record.bytes = body.byteLength;
  return new Response(body.slice() as Uint8Array<ArrayBuffer>, { status: range ? 206 : 200, headers });
}

export function parseRange(header: string | null, size: number): { start: number; end: number } | "unsatisfiable" | undefined {
  const match = header?.match(/^bytes=(\d*)-(\d*)$/);
  if (!match) return undefined;
  const [, from, to] = match;
  let start: number;
  let end: number;
  if (from === "") {
    start = Math.max(0, size - Number(to));
    end = size - 1;
  } else {
    start = Number(from);
    end = to === "" ? size - 1 : Math.min(Number(to), size - 1);
  }
  return start > end || start >= size ? "unsatisfiable" : { start, end };
}
