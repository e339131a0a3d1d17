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

/** One state of a glob's automaton: the character it consumes, and where it may go without one. */
interface GlobState {
  accepts(char: string): boolean;
  /** A match stays in this state (`*`, `**`) instead of moving to the next one. */
  loops: boolean;
  /** States reachable without consuming a character. */
  skip: number[];
}

/** Something that tells whether a path matches (the shape of `RegExp.test`). */
export interface GlobMatcher {
  test(path: string): boolean;
}

const notSlash = (char: string): boolean => char !== "/";
const anyChar = (): boolean => true;

/**
 * A glob over `/`-separated paths, with fsspec's meaning: `*` and `?` stay inside one path
 * segment, `**` crosses segments (`a/**\/b` also matches `a/b`), `[...]` is a character class.
 * It is matched by walking its automaton over the path with a set of live states, so the time
 * is linear in the path for any pattern: a pattern from a pipeline (`*a*a*a*...b`) can never make
 * a backtracking regular expression run for seconds per key.
 *
 * @example
 * compileGlob("runs/*\/distiset/**\/*.parquet").test("runs/x/distiset/default/train/00000.parquet"); // true
 */
export function compileGlob(pattern: string): GlobMatcher {
  const states: GlobState[] = [];
  const push = (accepts: (char: string) => boolean, loops = false): void => {
    states.push({ accepts, loops, skip: loops ? [states.length + 1] : [] });
  };
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] as string;
    if (char === "*" && pattern[i + 1] === "*") {
      if (pattern[i + 2] === "/") {
        // `**/`: zero segments, or any characters up to and including a slash.
        const first = states.length;
        push(anyChar, true);
        push((c) => c === "/");
        (states[first] as GlobState).skip.push(states.length);
        i += 2;
      } else {
        push(anyChar, true);
        i += 1;
      }
    } else if (char === "*") {
      push(notSlash, true);
    } else if (char === "?") {
      push(notSlash);
    } else if (char === "[" && pattern.indexOf("]", i + 2) >= 0) {
      const close = pattern.indexOf("]", i + 2);
      push(characterClass(pattern.slice(i + 1, close)));
      i = close;
    } else {
      push((c) => c === char);
    }
  }
  const final = states.length;
  const closure = (from: Iterable<number>): Set<number> => {
    const seen = new Set<number>();
    const stack = [...from];
    while (stack.length > 0) {
      const state = stack.pop() as number;
      if (seen.has(state)) continue;
      seen.add(state);
      if (state < final) stack.push(...(states[state] as GlobState).skip);
    }
    return seen;
  };
  return {
    test(path: string): boolean {
      let live = closure([0]);
      for (const char of path) {
        const next: number[] = [];
        for (const index of live) {
          const state = states[index];
          if (state?.accepts(char)) next.push(state.loops ? index : index + 1);
        }
        if (next.length === 0) return false;
        live = closure(next);
      }
      return live.has(final);
    },
  };
}

/** `[abc]`, `[a-z]`, `[!abc]` (negated) as a test on one character. */
function characterClass(body: string): (char: string) => boolean {
  const negated = body.startsWith("!") || body.startsWith("^");
  const members = negated ? body.slice(1) : body;
  const ranges: Array<[string, string]> = [];
  for (let i = 0; i < members.length; i++) {
    const low = members[i] as string;
    if (members[i + 1] === "-" && i + 2 < members.length) {
      ranges.push([low, members[i + 2] as string]);
      i += 2;
    } else {
      ranges.push([low, low]);
    }
  }
  return (char) => ranges.some(([low, high]) => char >= low && char <= high) !== negated;
}
