import { describe, expect, it } from "vitest";
import { CLAIR, parseClairReply } from "../../../src/tasks/text-generation/clair.js";
import { loggedContext, metaOf, roundTrip, runBatch, scripted } from "./generation-helpers.js";

const row = { task: "How many gaps are there between the earth and the moon?", student_solution: "There are no gaps." };
const reply = `{teacher_reasoning}: The word "gaps" is vague; say what is between them.

{corrected_student_solution}: There are no physical gaps between the Earth and the Moon, only about 384,400 km of space.`;

describe("CLAIR", () => {
  it("sends the teacher system prompt and the task with the student's solution", () => {
    const [system, user] = new CLAIR({ llm: scripted() }).formatInput(row);
    expect(system?.role).toBe("system");
    expect(system?.content).toMatch(/smallest changes/);
    expect(user?.content).toMatch(
      /^\{task\}: How many gaps are there between the earth and the moon\?\n\n\{student_solution\}: There are no gaps\.\n\n-----------------\n\n/,
    );
    expect(user?.content).toContain("{teacher_reasoning}");
    expect(user?.content).toContain("{corrected_student_solution}");
  });

  it("uses a custom system prompt", () => {
    expect(new CLAIR({ llm: scripted(), systemPrompt: "Make it worse." }).formatInput(row)[0]).toEqual({ role: "system", content: "Make it worse." });
  });

  it("splits the reply into the rationale and the revision, with several heading styles", () => {
    expect(parseClairReply(reply)).toEqual({
      rational: 'The word "gaps" is vague; say what is between them.',
      revision: "There are no physical gaps between the Earth and the Moon, only about 384,400 km of space.",
    });
    expect(parseClairReply("**Teacher Reasoning:** Too short.\n\n**Corrected Student Solution:**\nLonger answer.")).toEqual({
      rational: "Too short.",
      revision: "Longer answer.",
    });
    expect(parseClairReply("Thinking first.\n{corrected_student_solution}\nFixed.")).toEqual({ rational: "Thinking first.", revision: "Fixed." });
  });

  it("nulls both outputs and keeps the raw reply when there is no revision section", async () => {
    const { context, logger } = loggedContext();
    const rows = await runBatch(new CLAIR({ llm: scripted("I think it is fine."), name: "clair" }), [row], context);
    expect(rows[0]).toMatchObject({ revision: null, rational: null, model_name: "scripted-model" });
    expect(metaOf(rows[0]).raw_output_clair).toBe("I think it is fine.");
    expect(logger.lines.join("\n")).toMatch(/no \{corrected_student_solution\} section/);
  });

  it("revises per generation or grouped", async () => {
    const rows = await runBatch(new CLAIR({ llm: scripted(reply, "{corrected_student_solution}: B"), numGenerations: 2 }), [row]);
    expect(rows.map((r) => r.revision)).toEqual(["There are no physical gaps between the Earth and the Moon, only about 384,400 km of space.", "B"]);
    const grouped = await runBatch(new CLAIR({ llm: scripted(reply, "{corrected_student_solution}: B"), numGenerations: 2, groupGenerations: true }), [row]);
    expect(grouped[0]?.rational).toEqual(['The word "gaps" is vague; say what is between them.', ""]);
  });

  it("round-trips through dump and the default registry", () => {
    const loaded = roundTrip(new CLAIR({ llm: scripted(), systemPrompt: "custom", name: "c" }));
    expect(loaded.attrs.systemPrompt).toBe("custom");
  });
});
