import { RowInputError } from "../support/row-input-error.js";

/** How a row's `image` is given; `PIL` exists in distilabel only (Python image objects). */
export const IMAGE_TYPES = ["url", "base64", "PIL"] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];

const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
/** distilabel labels every base64 image as JPEG; we do too when the bytes do not say otherwise. */
const DEFAULT_MIME = "image/jpeg";

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return value === "" ? "an empty string" : `a string of ${value.length} characters`;
  return Array.isArray(value) ? "a list" : typeof value;
}

function isAbsoluteUrl(text: string): boolean {
  try {
    new URL(text);
    return true;
  } catch {
    return false;
  }
}

/** The image's type from its first bytes (JPEG, PNG, GIF, WebP), else JPEG. */
export function sniffImageMime(base64: string): string {
  let head: string;
  try {
    head = atob(base64.slice(0, 16).replaceAll("-", "+").replaceAll("_", "/"));
  } catch {
    return DEFAULT_MIME;
  }
  const bytes = Array.from(head, (c) => c.charCodeAt(0));
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg";
  if (bytes[0] === 0x89 && head.slice(1, 4) === "PNG") return "image/png";
  if (head.startsWith("GIF8")) return "image/gif";
  if (head.startsWith("RIFF") && head.slice(8, 12) === "WEBP") return "image/webp";
  return DEFAULT_MIME;
}

/**
 * The URL an OpenAI `image_url` content part carries for a row's image: the URL itself, or a
 * base64 string as a `data:` URL. A value that is neither is a bad row, not a bad batch.
 */
export function imageUrlFor(value: unknown, imageType: Exclude<ImageType, "PIL">, field = "image"): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new RowInputError(
      `input '${field}' must be a non-empty string (${imageType === "url" ? "an image URL" : "a base64-encoded image"}), got ${describe(value)}`,
      { field, expected: imageType === "url" ? "an image URL" : "a base64 string" },
    );
  }
  const text = value.trim();
  if (imageType === "url") {
    if (!isAbsoluteUrl(text)) {
      throw new RowInputError(
        `input '${field}' must be an absolute URL (https://... or data:...) when image_type is 'url', got ${describe(value)}; use image_type 'base64' for base64 strings`,
        { field, expected: "an absolute URL" },
      );
    }
    return text;
  }
  if (text.startsWith("data:")) return text;
  const compact = text.replace(/\s+/g, "");
  if (!BASE64.test(compact)) {
    throw new RowInputError(`input '${field}' is not a base64 string (image_type is 'base64'), got ${describe(value)}`, { field, expected: "a base64 string" });
  }
  return `data:${sniffImageMime(compact)};base64,${compact}`;
}
