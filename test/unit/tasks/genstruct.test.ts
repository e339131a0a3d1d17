import { describe, expect, it } from "vitest";
import { Genstruct } from "../../../src/tasks/text-generation/genstruct.js";
import { loggedContext, metaOf, roundTrip, runBatch, scripted } from "./generation-helpers.js";

const doc = { title: "  Laurent Fabius ", content: "Laurent Fabius is a French politician who served as Prime Minister.\n" };

describe("Genstruct", () => {
  it("frames the document in Genstruct's markers and opens a user turn", () => {
    const [message] = new Genstruct({ llm: scripted() }).formatInput(doc);
    expect(message?.role).toBe("user");
    expect(message?.content).toMatch(
      /^\[\[\[Title\]\]\] Laurent Fabius\n\[\[\[Content\]\]\] Laurent Fabius is a French politician who served as Prime Minister\.\n\n/,
    );
    expect(String(message?.content).endsWith("[[[User]]] ")).toBe(true);
  });

  it("splits the reply into the user question and the assistant answer", () => {
    const task = new Genstruct({ llm: scripted() });
    expect(task.formatOutput("Who was Laurent Fabius?\n[[[Assistant]]] A French Prime Minister.")).toEqual({
      user: "Who was Laurent Fabius?",
      assistant: "A French Prime Minister.",
    });
    expect(task.formatOutput("[[[User]]] Q?\n\n[[[ assistant ]]]\nA.")).toEqual({ user: "Q?", assistant: "A." });
  });

  it("nulls both outputs and keeps the raw reply without an [[[Assistant]]] marker", async () => {
    const { context, logger } = loggedContext();
    const rows = await runBatch(new Genstruct({ llm: scripted("Just a question?"), name: "gs" }), [doc], context);
    expect(rows[0]).toMatchObject({ user: null, assistant: null, model_name: "scripted-model" });
    expect(metaOf(rows[0]).raw_output_gs).toBe("Just a question?");
    expect(logger.lines.join("\n")).toMatch(/no \[\[\[Assistant\]\]\] marker/);
  });

  it("generates pairs per generation or grouped", async () => {
    const replies = ["Q1?[[[Assistant]]]A1", "Q2?[[[Assistant]]]A2"];
    const rows = await runBatch(new Genstruct({ llm: scripted(...replies), numGenerations: 2 }), [doc]);
    expect(rows.map((r) => [r.user, r.assistant])).toEqual([
      ["Q1?", "A1"],
      ["Q2?", "A2"],
    ]);
    const grouped = await runBatch(new Genstruct({ llm: scripted(...replies), numGenerations: 2, groupGenerations: true }), [doc]);
    expect(grouped[0]).toMatchObject({ user: ["Q1?", "Q2?"], assistant: ["A1", "A2"], title: doc.title });
  });

  it("round-trips through dump and the default registry", () => {
    expect(roundTrip(new Genstruct({ llm: scripted(), name: "gs" }))).toBeInstanceOf(Genstruct);
  });
});
