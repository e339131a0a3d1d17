const GLOB_CHARS = /[*?[]/;

/** Whether a path holds glob wildcards (`*`, `**`, `?`, `[...]`). */
export function hasGlob(pattern: string): boolean {
  return GLOB_CHARS.test(pattern);
}

/** The literal part of a pattern before its first wildcard: what an object listing can filter on. */
export function globPrefix(pattern: string): string {
  const index = pattern.search(GLOB_CHARS);
  return index < 0 ? pattern : pattern.slice(0, index);
}

/**
 * A glob as a RegExp over `/`-separated paths, with fsspec's meaning: `*` and `?` stay inside one
 * path segment, `**` crosses segments (`a/**\/b` also matches `a/b`), `[...]` is a character class.
 *
 * @example
 * globToRegExp("runs/*\/distiset/**\/*.parquet").test("runs/x/distiset/default/train/00000.parquet"); // true
 */
export function globToRegExp(pattern: string): RegExp {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] as string;
    if (char === "*") {
      if (pattern[i + 1] === "*") {
        const slash = pattern[i + 2] === "/";
        out += slash ? "(?:.*/)?" : ".*";
        i += slash ? 2 : 1;
      } else {
        out += "[^/]*";
      }
    } else if (char === "?") {
      out += "[^/]";
    } else if (char === "[") {
      const close = pattern.indexOf("]", i + 2);
      if (close < 0) {
        out += "\\[";
      } else {
        let body = pattern.slice(i + 1, close);
        if (body.startsWith("!")) body = `^${body.slice(1)}`;
        out += `[${body.replace(/\\/g, "\\\\")}]`;
        i = close;
      }
    } else {
      out += char.replace(/[.+^${}()|\\]/g, "\\$&");
    }
  }
  return new RegExp(`^${out}$`);
}
