import { describe, expect, it } from "vitest";
import { Pipeline } from "../../../src/pipeline/pipeline.js";
import { LoadDataFromDicts } from "../../../src/steps/builtin/loaders/load-data-from-dicts.js";
import { defineStep } from "../../../src/steps/step-factory.js";
import { runInProcess } from "../../../src/executor/in-process-executor.js";
import { MemoryRunCache } from "../../../src/executor/run-cache.js";

const Upper = defineStep({
  name: "Upper",
  inputs: ["text"],
  outputs: ["upper"],
  process: ([rows]) => (rows ?? []).map((r) => ({ ...r, upper: String(r.text).toUpperCase() })),
});

describe("in-process smoke", () => {
  it("runs load >> upper", async () => {
    const data = Array.from({ length: 23 }, (_, i) => ({ text: `row ${i}` }));
    const pipeline = new Pipeline({ name: "smoke" }).build(() => {
      const load = new LoadDataFromDicts({ data, batchSize: 5 });
      const upper = new Upper({ inputBatchSize: 3 });
      load.connect(upper);
    });
    const result = await runInProcess(pipeline, { cache: new MemoryRunCache() });
    expect(result.state.status).toBe("succeeded");
    const rows = result.distiset.rows("default");
    expect(rows.map((r) => r.upper)).toEqual(data.map((d) => d.text.toUpperCase()));
  });
});
