/**
 * Headers of the runs page and its assets. The page holds an API token while it is open, so
 * nobody may frame it (clickjacking) and it runs no script but its own files: no inline
 * script or style, no other origin. Styles the script sets through the CSSOM
 * (`element.style.width`) are not inline styles, so `style-src 'self'` allows them.
 */
export const PAGE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; "),
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
};
