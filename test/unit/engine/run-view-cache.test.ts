import { describe, expect, it } from "vitest";
import { LastValueCache } from "../../../src/engine/run-view-cache.js";

describe("LastValueCache", () => {
  it("reuses the value while every input is the same object, and recomputes once one changes", () => {
    const cache = new LastValueCache<[object, object | undefined], { n: number }>();
    let computed = 0;
    const compute = () => ({ n: ++computed });
    const meta = {};
    const state = {};
    const first = cache.get([meta, state], compute);
    expect(cache.get([meta, state], compute)).toBe(first);
    expect(computed).toBe(1);
    // A transition gives a new state object (even with equal content): the view is computed again.
    const changed = cache.get([meta, { ...state }], compute);
    expect(changed).not.toBe(first);
    expect(changed).toEqual({ n: 2 });
    expect(cache.get([meta, state], compute)).toEqual({ n: 3 });
  });
});
