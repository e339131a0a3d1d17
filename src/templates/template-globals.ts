import { asInt } from "./call-args.js";
import { TemplateValueError } from "./template-error.js";
import { Namespace, TemplateCallable, isMapping } from "./values.js";

/** `range()` refuses to build more than this many numbers (a prompt never needs more). */
const MAX_RANGE = 100_000;

function range(args: unknown[]): number[] {
  if (args.length === 0 || args.length > 3) throw new TemplateValueError(`range expected 1 to 3 arguments, got ${args.length}`);
  const ints = args.map((a, i) => asInt(a, `range() argument ${i + 1}`));
  const [start, stop, step] = ints.length === 1 ? [0, ints[0] as number, 1] : [ints[0] as number, ints[1] as number, ints[2] ?? 1];
  if (step === 0) throw new TemplateValueError("range() arg 3 must not be zero");
  const count = Math.max(0, Math.ceil((stop - start) / step));
  if (count > MAX_RANGE) throw new TemplateValueError(`range() of ${count} items is over the limit of ${MAX_RANGE}`);
  return Array.from({ length: count }, (_, i) => start + i * step);
}

/** `namespace()` and `dict()`: at most one mapping, with the keyword arguments on top. */
function mappingOf(callee: string, args: unknown[], kwargs: Record<string, unknown>): Record<string, unknown> {
  const initial = args[0];
  if (args.length > 1 || (initial !== undefined && !isMapping(initial)))
    throw new TemplateValueError(`${callee}() takes at most one mapping and keyword arguments`);
  return { ...(initial ?? {}), ...kwargs };
}

/** Jinja2's global functions available to every template. */
export const TEMPLATE_GLOBALS: Readonly<Record<string, TemplateCallable>> = {
  range: new TemplateCallable("range", (args, kwargs) => {
    if (Object.keys(kwargs).length > 0) throw new TemplateValueError("range() takes no keyword arguments");
    return range(args);
  }),
  namespace: new TemplateCallable("namespace", (args, kwargs) => new Namespace(mappingOf("namespace", args, kwargs))),
  dict: new TemplateCallable("dict", (args, kwargs) => mappingOf("dict", args, kwargs)),
};

/** Names the interpreter resolves without a context (constants and globals). */
export const CONSTANTS: Readonly<Record<string, boolean | null>> = { True: true, False: false, None: null, true: true, false: false, none: null };
