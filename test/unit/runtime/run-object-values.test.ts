import { describe, expect, it } from "vitest";
import type { RunMeta } from "../../../src/engine/run-view.js";
import { DistilflareError } from "../../../src/errors.js";
import { decodeRunValue, encodeRunValue, RUN_VALUES_VERSION } from "../../../src/runtime/run-object-values.js";

const meta: RunMeta = {
  id: "run-1",
  name: "p",
  description: null,
  signature: "s",
  cache_key: "k",
  created_at: "t0",
  updated_at: "t1",
  use_cache: true,
  dry_run: false,
};

describe("the run object's stored values", () => {
  it("are stored with their layout version and read back through their schema", () => {
    const json = encodeRunValue("meta", meta);
    expect(JSON.parse(json)).toEqual({ version: RUN_VALUES_VERSION, value: meta });
    expect(decodeRunValue("meta", json)).toEqual(meta);
    expect(decodeRunValue("outbox", encodeRunValue("outbox", ["a", "b"]))).toEqual(["a", "b"]);
    expect(decodeRunValue("push_token", encodeRunValue("push_token", "hf_x"))).toBe("hf_x");
  });

  it("read a bare value as earlier builds wrote it (layout 0), and refuse another layout version", () => {
    expect(decodeRunValue("meta", JSON.stringify(meta))).toEqual(meta);
    expect(decodeRunValue("outbox", JSON.stringify(["a"]))).toEqual(["a"]);
    expect(() => decodeRunValue("meta", JSON.stringify({ version: RUN_VALUES_VERSION + 1, value: meta }))).toThrow(/Stored meta is in layout version 2, not 1/);
  });

  it("refuse a value that does not match its kind's schema, naming the kind", () => {
    expect(() => decodeRunValue("outbox", JSON.stringify({ version: RUN_VALUES_VERSION, value: [1, 2] }))).toThrow(/Stored outbox does not match its schema/);
    try {
      decodeRunValue("meta", JSON.stringify({ version: RUN_VALUES_VERSION, value: { id: "run-1" } }));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DistilflareError);
      expect((error as DistilflareError).code).toBe("storage_failed");
    }
  });
});
