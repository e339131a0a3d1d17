import { DistilflareError } from "../errors.js";

export interface ByteRange {
  offset: number;
  length: number;
}

/**
 * Parses a single `Range: bytes=...` header against an object of `size` bytes (first-last,
 * first-, or -suffix). Multiple ranges are not supported (Parquet readers ask for one at a time).
 */
export function parseByteRange(header: string | undefined, size: number): ByteRange | "unsatisfiable" | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === "" && match[2] === "")) {
    throw new DistilflareError("invalid_request", `Unsupported Range header '${header}'; expected 'bytes=start-end', 'bytes=start-' or 'bytes=-suffix'`, {
      field: "range",
    });
  }
  // Both groups always take part in a match (each may be empty).
  const [, first = "", last = ""] = match;
  let start: number;
  let end: number;
  if (first === "") {
    const suffix = Number(last);
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(first);
    end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  }
  if (start >= size || end < start) return "unsatisfiable";
  return { offset: start, length: end - start + 1 };
}
