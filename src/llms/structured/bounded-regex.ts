/** Longest regex a structured output may carry, and longest reply checked against one. */
export const MAX_REGEX_PATTERN_CHARS = 512;
export const MAX_REGEX_REPLY_CHARS = 16_384;

/**
 * Why a structured-output regex may not run, or undefined. Patterns can come from row data, and
 * JavaScript regexes backtrack: a quantified group that itself holds an unbounded quantifier
 * (`(a+)+`, `(a|a*)*`) takes exponential time on a reply that almost matches. Those, and
 * overlong patterns, are refused before any reply is tested.
 */
export function unsafeRegexReason(pattern: string): string | undefined {
  if (pattern.length > MAX_REGEX_PATTERN_CHARS) return `the regex is ${pattern.length} characters long; at most ${MAX_REGEX_PATTERN_CHARS} are accepted`;
  try {
    new RegExp(pattern);
  } catch (error) {
    return `invalid regex: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (/\\[1-9]|\\k</.test(pattern)) return "backreferences are not accepted in a structured-output regex";
  // A stack of open groups, each remembering whether it holds an unbounded quantifier.
  const groups: boolean[] = [];
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === "\\") {
      i++;
      continue;
    }
    if (inClass) {
      if (char === "]") inClass = false;
      continue;
    }
    if (char === "[") inClass = true;
    else if (char === "(") groups.push(false);
    else if (char === ")") {
      const inner = groups.pop() ?? false;
      const unbounded = unboundedQuantifierAt(pattern, i + 1);
      if (inner && unbounded) return "nested unbounded quantifiers such as (a+)+ can take exponential time; rewrite the regex without them";
      if (groups.length > 0 && (inner || unbounded)) groups[groups.length - 1] = true;
    } else if (groups.length > 0 && unboundedQuantifierAt(pattern, i)) groups[groups.length - 1] = true;
  }
  return undefined;
}

/** Whether a `*`, `+` or `{n,}` starts at `index`. */
function unboundedQuantifierAt(pattern: string, index: number): boolean {
  const char = pattern[index];
  if (char === "*" || char === "+") return true;
  return char === "{" && /^\{\d*,\}/.test(pattern.slice(index));
}
