import { describe, expect, it } from "vitest";
import { OptionError } from "../../../src/errors.js";
import { EvolComplexity } from "../../../src/tasks/evol/evol-complexity.js";
import { EvolInstruct } from "../../../src/tasks/evol/evol-instruct.js";
import { EVOL_COMPLEXITY_MUTATION_TEMPLATES } from "../../../src/tasks/templates/evol-complexity.js";
import { EVOL_INSTRUCT_MUTATION_TEMPLATES } from "../../../src/tasks/templates/evol-instruct.js";
import { ScriptedLLM } from "../../support/scripted-llm.js";
import { loggedContext, metaOf, roundTrip, runBatch, scripted } from "./generation-helpers.js";

/** Mutations that leave a visible trace: each evolution wraps the text in its letter. */
const LETTERS = { A: "A({{ prompt }})", B: "B({{ prompt }})" };
/** Echoes the prompt back, so the evolved text is the rendered mutation. */
const echo = (): ScriptedLLM => new ScriptedLLM({ replies: ["{input}"] });

describe("EvolInstruct", () => {
  it("renders a randomly picked mutation prompt around the instruction, the same for the same seed", () => {
    const task = new EvolInstruct({ llm: scripted(), numEvolutions: 1 });
    const prompt = task.renderPrompt({ instruction: "Write a poem about the sea." });
    expect(prompt).toMatch(/^\[user\]\n/);
    expect(prompt).toMatch(/#The Given Prompt#:\nWrite a poem about the sea\.\n\n#(Rewritten|Created) Prompt#:$/);
    expect(new EvolInstruct({ llm: scripted(), numEvolutions: 1 }).renderPrompt({ instruction: "Write a poem about the sea." })).toBe(prompt);
    const contents = Object.values(EVOL_INSTRUCT_MUTATION_TEMPLATES).map((t) => t.split("{{ prompt }}")[0] ?? "");
    expect(contents.some((head) => prompt.slice("[user]\n".length).startsWith(head))).toBe(true);
  });

  it("picks mutations per row from a seeded sequence: same seed same picks, every template reachable", () => {
    const picks = (seed: number): string[] =>
      Array.from({ length: 30 }, (_, i) =>
        new EvolInstruct({ llm: scripted(), numEvolutions: 1, mutationTemplates: LETTERS, seed }).renderPrompt({ instruction: `task ${i}` }).charAt(7),
      );
    expect(picks(1)).toEqual(picks(1));
    expect(new Set(picks(1))).toEqual(new Set(["A", "B"]));
    expect(picks(1)).not.toEqual(picks(2));
  });

  it("evolves each instruction num_evolutions times, keeping the last or every step", async () => {
    const rows = [{ instruction: "x" }, { instruction: "y" }];
    const last = await runBatch(new EvolInstruct({ llm: echo(), numEvolutions: 3, mutationTemplates: LETTERS, name: "evol" }), rows);
    expect(last.map((r) => r.evolved_instruction)).toEqual([
      expect.stringMatching(/^[AB]\([AB]\([AB]\(x\)\)\)$/),
      expect.stringMatching(/^[AB]\([AB]\([AB]\(y\)\)\)$/),
    ]);
    expect(last[0]).toMatchObject({ instruction: "x", model_name: "scripted-model" });
    expect(metaOf(last[0]).statistics_evol).toEqual({ input_tokens: 3, output_tokens: 3 });

    const stored = await runBatch(
      new EvolInstruct({ llm: echo(), numEvolutions: 2, mutationTemplates: LETTERS, storeEvolutions: true, includeOriginalInstruction: true }),
      [{ instruction: "x" }],
    );
    const history = stored[0]?.evolved_instructions as string[];
    expect(history).toHaveLength(3);
    expect(history[0]).toBe("x");
    expect(history[2]?.endsWith(`(${history[1]})`)).toBe(true);
  });

  it("reads the evolved prompt after the last 'Prompt#:' marker", async () => {
    const rows = await runBatch(new EvolInstruct({ llm: scripted("#Rewritten Prompt#:\n  Write a sonnet about the sea at night.  "), numEvolutions: 1 }), [
      { instruction: "x" },
    ]);
    expect(rows[0]?.evolved_instruction).toBe("Write a sonnet about the sea at night.");
  });

  it("answers the evolved instructions when asked", async () => {
    const llm = scripted("E1", "E2", "answer to E1", "answer to E2");
    const rows = await runBatch(new EvolInstruct({ llm, numEvolutions: 2, storeEvolutions: true, generateAnswers: true }), [{ instruction: "x" }]);
    expect(rows[0]).toMatchObject({ evolved_instructions: ["E1", "E2"], answers: ["answer to E1", "answer to E2"] });
    const single = await runBatch(new EvolInstruct({ llm: scripted("E1", "A1"), numEvolutions: 1, generateAnswers: true }), [{ instruction: "x" }]);
    expect(single[0]).toMatchObject({ evolved_instruction: "E1", answer: "A1" });
    expect(new EvolInstruct({ llm: scripted(), numEvolutions: 1, generateAnswers: true, storeEvolutions: true }).outputs).toEqual([
      "evolved_instructions",
      "model_name",
      "answers",
    ]);
  });

  it("nulls a row whose LLM call fails, keeps its error, and evolves the others", async () => {
    const llm = new ScriptedLLM({ replies: ["{input}"], failOn: "boom" });
    const { context, logger } = loggedContext();
    const rows = await runBatch(
      new EvolInstruct({ llm, numEvolutions: 2, mutationTemplates: LETTERS, name: "evol" }),
      [{ instruction: "boom" }, { instruction: "fine" }],
      context,
    );
    expect(rows[0]?.evolved_instruction).toBeNull();
    expect(metaOf(rows[0]).error_evol).toMatch(/scripted failure/);
    expect(rows[1]?.evolved_instruction).toMatch(/\(fine\)\)$/);
    expect(logger.lines.join("\n")).toMatch(/1 of 2 evolution chains failed/);
  });

  it("runs num_generations independent chains per row, one row each or grouped", async () => {
    const rows = await runBatch(new EvolInstruct({ llm: echo(), numEvolutions: 4, mutationTemplates: LETTERS, numGenerations: 2 }), [{ instruction: "x" }]);
    expect(rows).toHaveLength(2);
    expect(rows[0]?.evolved_instruction).not.toEqual(rows[1]?.evolved_instruction);
    const grouped = await runBatch(new EvolInstruct({ llm: echo(), numEvolutions: 4, mutationTemplates: LETTERS, numGenerations: 2, groupGenerations: true }), [
      { instruction: "x" },
    ]);
    expect(grouped).toHaveLength(1);
    expect(grouped[0]?.evolved_instruction).toEqual([rows[0]?.evolved_instruction, rows[1]?.evolved_instruction]);
  });

  it("accepts distilabel's <PROMPT> placeholder templates", async () => {
    const rows = await runBatch(new EvolInstruct({ llm: echo(), numEvolutions: 1, mutationTemplates: { ONLY: "Harder: <PROMPT>" } }), [{ instruction: "x" }]);
    expect(rows[0]?.evolved_instruction).toBe("Harder: x");
  });

  it("rejects mutation templates that never use the prompt", () => {
    expect(() => new EvolInstruct({ llm: scripted(), numEvolutions: 1, mutationTemplates: { BAD: "Rewrite {{ instruction }}" } })).toThrow(OptionError);
    expect(() => new EvolInstruct({ llm: scripted(), numEvolutions: 1, mutationTemplates: { BAD: "Rewrite {{ instruction }}" } })).toThrow(
      /'BAD' never uses \{\{ prompt \}\}/,
    );
    expect(() => new EvolInstruct({ llm: scripted(), numEvolutions: 1, mutationTemplates: {} })).toThrow(/at least one template/);
  });

  it("round-trips through dump and the default registry", () => {
    const task = new EvolInstruct({ llm: scripted(), numEvolutions: 2, storeEvolutions: true, seed: 7, name: "evol" });
    const loaded = roundTrip(task);
    expect(loaded).toBeInstanceOf(EvolInstruct);
    expect(loaded.dump()).toMatchObject({ num_evolutions: 2, store_evolutions: true, seed: 7, mutation_templates: EVOL_INSTRUCT_MUTATION_TEMPLATES });
    expect(loaded.renderPrompt({ instruction: "q" })).toBe(task.renderPrompt({ instruction: "q" }));
  });
});

describe("EvolComplexity", () => {
  it("uses only the complexity-raising mutations by default", () => {
    const task = new EvolComplexity({ llm: scripted(), numEvolutions: 1 });
    expect(Object.keys(task.attrs.mutationTemplates)).toEqual(["CONSTRAINTS", "DEEPENING", "CONCRETIZING", "INCREASED_REASONING_STEPS"]);
    expect(task.attrs.mutationTemplates).toEqual(EVOL_COMPLEXITY_MUTATION_TEMPLATES);
    expect(task.renderPrompt({ instruction: "q" })).toContain("#Rewritten Prompt#:");
  });

  it("evolves like EvolInstruct and round-trips as EvolComplexity", async () => {
    const rows = await runBatch(new EvolComplexity({ llm: scripted("harder q"), numEvolutions: 1 }), [{ instruction: "q" }]);
    expect(rows[0]).toMatchObject({ instruction: "q", evolved_instruction: "harder q" });
    const loaded = roundTrip(new EvolComplexity({ llm: scripted(), numEvolutions: 3 }));
    expect(loaded).toBeInstanceOf(EvolComplexity);
    expect(loaded.dump().type_info).toEqual({ name: "EvolComplexity" });
  });
});
