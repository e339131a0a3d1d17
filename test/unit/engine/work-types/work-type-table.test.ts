import { describe, expect, it } from "vitest";
import { WORK_TYPES } from "../../../../src/engine/work-types/index.js";
import { workItemSchema, workReportSchema } from "../../../../src/engine/work.js";

describe("the work-type table", () => {
  it("keys every kind by its schema's type, and the work union and the report's types are built from it", () => {
    const types = Object.keys(WORK_TYPES);
    for (const [type, kind] of Object.entries(WORK_TYPES)) expect(kind.schema.shape.type.value).toBe(type);
    expect(workItemSchema.options.map((schema) => schema.shape.type.value)).toEqual(types);
    expect(workReportSchema.shape.type.options).toEqual(types);
  });

  it("parses a work item by its kind's schema and rejects an unknown kind", () => {
    const item = { type: "finalize", id: "finalize", run_id: "run-1" };
    expect(workItemSchema.parse(item)).toEqual({ ...item, failed_rows: {} });
    expect(workItemSchema.safeParse({ ...item, type: "compact" }).success).toBe(false);
  });
});
