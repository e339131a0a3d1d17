import { describe, expect, it } from "vitest";
import { URIAL } from "../../../src/tasks/text-generation/urial.js";
import { loggedContext, roundTrip, runBatch, scripted } from "./generation-helpers.js";

describe("URIAL", () => {
  it("builds one raw few-shot prompt ending with an open assistant turn", () => {
    const prompt = new URIAL({ llm: scripted() }).formatInput({ instruction: "What is the most common type of cloud?" });
    expect(typeof prompt).toBe("string");
    expect(prompt.startsWith("# Instructions\n\n")).toBe(true);
    expect(prompt).toContain("# User:\n\nWhat makes bread rise?\n\n# Assistant:\n\nBread rises");
    expect(prompt.endsWith("\n# User:\n\nWhat is the most common type of cloud?\n\n# Assistant:")).toBe(true);
  });

  it("renders a whole conversation, which must end with the user", () => {
    const task = new URIAL({ llm: scripted() });
    const conversation = [
      { role: "user", content: "Hi" },
      { role: "assistant", content: "Hello!" },
      { role: "user", content: "Name a planet." },
    ];
    expect(task.formatInput({ conversation })).toMatch(/# User:\n\nHi\n\n# Assistant:\n\nHello!\n\n# User:\n\nName a planet\.\n\n# Assistant:$/);
    expect(() => task.formatInput({ conversation: conversation.slice(0, 2) })).toThrow(/must be from the user/);
  });

  it("cuts the completion where the model starts the next user turn", () => {
    const task = new URIAL({ llm: scripted() });
    expect(task.formatOutput("\n\nCumulus clouds are the most common.\n\n# User:\n\nThanks!")).toEqual({ generation: "Cumulus clouds are the most common." });
    expect(task.formatOutput("Stratus.")).toEqual({ generation: "Stratus." });
  });

  it("keeps the raw output and nulls the generation when the model writes only a new turn", async () => {
    const { context, logger } = loggedContext();
    const rows = await runBatch(new URIAL({ llm: scripted("\n# User: what?"), name: "u" }), [{ instruction: "q" }], context);
    expect(rows[0]).toMatchObject({ generation: null, distilabel_metadata: { raw_output_u: "\n# User: what?" } });
    expect(logger.lines.join("\n")).toMatch(/completion is empty/);
  });

  it("generates per generation or grouped, and skips rows with a bad conversation", async () => {
    const rows = await runBatch(new URIAL({ llm: scripted("one", "two"), numGenerations: 2 }), [
      { instruction: "q" },
      { conversation: [{ role: "assistant", content: "x" }] },
    ]);
    expect(rows.map((r) => r.generation)).toEqual(["one", "two", null, null]);
    const grouped = await runBatch(new URIAL({ llm: scripted("one", "two"), numGenerations: 2, groupGenerations: true }), [{ instruction: "q" }]);
    expect(grouped.map((r) => r.generation)).toEqual([["one", "two"]]);
  });

  it("round-trips through dump and the default registry", () => {
    const loaded = roundTrip(new URIAL({ llm: scripted(), name: "u" }));
    expect(loaded.inputs).toEqual({ instruction: false, conversation: false });
  });
});
