import { TemplateValueError } from "./template-error.js";
import { TemplateCallable, Undefined } from "./values.js";

/** Jinja2's `loop` variable for the item at `index` of `items`. */
export function loopObject(items: unknown[], index: number, count: number): Record<string, unknown> {
  const loop = Object.create(null) as Record<string, unknown>;
  Object.assign(loop, {
    index: index + 1,
    index0: index,
    revindex: count - index,
    revindex0: count - index - 1,
    first: index === 0,
    last: index === count - 1,
    length: count,
    depth: 1,
    depth0: 0,
    previtem: index > 0 ? items[index - 1] : new Undefined("there is no previous item"),
    nextitem: index < count - 1 ? items[index + 1] : new Undefined("there is no next item"),
    cycle: new TemplateCallable("loop.cycle", (args) => {
      if (args.length === 0) throw new TemplateValueError("loop.cycle() needs at least one item");
      return args[index % args.length];
    }),
  });
  return loop;
}
