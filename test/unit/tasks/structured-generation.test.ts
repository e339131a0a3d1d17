import { describe, expect, it } from "vitest";
import { StructuredGeneration } from "../../../src/tasks/text-generation/structured-generation.js";
import { loggedContext, metaOf, roundTrip, runBatch, scripted } from "./generation-helpers.js";

const schema = { type: "object", properties: { name: { type: "string" } }, required: ["name"] };
const row = { instruction: "Create an RPG character", structured_output: { format: "json", schema } };

describe("StructuredGeneration", () => {
  it("passes the row's schema with the prompt", () => {
    const task = new StructuredGeneration({ llm: scripted() });
    expect(task.formatInput(row)).toEqual({ input: [{ role: "user", content: "Create an RPG character" }], structuredOutput: { format: "json", schema } });
    expect(task.renderPrompt(row)).toContain('[structured output]\n{\n  "type": "object"');
    expect(task.inputs).toEqual(["instruction", "structured_output"]);
  });

  it("reads a system_prompt column only with use_system_prompt", () => {
    const task = new StructuredGeneration({ llm: scripted(), useSystemPrompt: true });
    expect(task.inputs).toEqual(["system_prompt", "instruction", "structured_output"]);
    const formatted = task.formatInput({ ...row, system_prompt: "Reply in JSON." });
    expect(formatted).toMatchObject({ input: [{ role: "system", content: "Reply in JSON." }, { role: "user" }] });
  });

  it("accepts the older {type, value} shape and regex schemas", () => {
    const task = new StructuredGeneration({ llm: scripted() });
    expect(task.formatInput({ instruction: "Temperature?", structured_output: { type: "regex", value: "(\\d{1,2})°C" } })).toMatchObject({
      structuredOutput: { format: "regex", schema: "(\\d{1,2})°C" },
    });
  });

  it("returns the raw reply as the generation", async () => {
    const rows = await runBatch(new StructuredGeneration({ llm: scripted('{"name": "Ayla"}'), name: "sg" }), [row]);
    expect(rows[0]).toMatchObject({ generation: '{"name": "Ayla"}', model_name: "scripted-model" });
    expect(metaOf(rows[0]).raw_input_sg).toEqual([{ role: "user", content: "Create an RPG character" }]);
  });

  it("gives a row with a malformed schema null outputs and a warning", async () => {
    const { context, logger } = loggedContext();
    const rows = await runBatch(
      new StructuredGeneration({ llm: scripted("x"), name: "sg" }),
      [{ instruction: "a", structured_output: { schema: 3 } }, row],
      context,
    );
    expect(rows.map((r) => r.generation)).toEqual([null, "x"]);
    expect(metaOf(rows[0]).error_sg).toMatch(/structured_output/);
    expect(logger.lines.join("\n")).toMatch(/skipped a row/);
  });

  it("makes one row per generation, or one grouped row", async () => {
    expect((await runBatch(new StructuredGeneration({ llm: scripted("1", "2"), numGenerations: 2 }), [row])).map((r) => r.generation)).toEqual(["1", "2"]);
    const grouped = await runBatch(new StructuredGeneration({ llm: scripted("1", "2"), numGenerations: 2, groupGenerations: true }), [row]);
    expect(grouped.map((r) => r.generation)).toEqual([["1", "2"]]);
  });

  it("round-trips through dump and the default registry", () => {
    const loaded = roundTrip(new StructuredGeneration({ llm: scripted(), useSystemPrompt: true }));
    expect(loaded).toBeInstanceOf(StructuredGeneration);
    expect(loaded.attrs.useSystemPrompt).toBe(true);
  });
});
