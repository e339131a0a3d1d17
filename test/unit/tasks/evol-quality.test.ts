import { describe, expect, it } from "vitest";
import { EvolQuality, parseEvolvedResponse } from "../../../src/tasks/evol/evol-quality.js";
import { EVOL_QUALITY_MUTATION_TEMPLATES } from "../../../src/tasks/templates/evol-quality.js";
import { ScriptedLLM } from "../../support/scripted-llm.js";
import { loggedContext, metaOf, roundTrip, runBatch, scripted } from "./generation-helpers.js";

const row = { instruction: "Explain recursion.", response: "It calls itself." };
const LETTERS = { H: "H[{{ prompt }}|{{ response }}]", D: "D[{{ prompt }}|{{ response }}]" };
const echo = (): ScriptedLLM => new ScriptedLLM({ replies: ["{input}"] });

describe("EvolQuality", () => {
  it("renders a mutation prompt with the instruction and the response to improve", () => {
    const prompt = new EvolQuality({ llm: scripted(), numEvolutions: 1 }).renderPrompt(row);
    expect(prompt).toMatch(/#The Given Prompt#:\nExplain recursion\.\n\n#The Given Response#:\nIt calls itself\.\n\n#Rewritten Response#:$/);
    const methods = ["more helpful", "more relevant", "deeper", "more creative", "higher level of detail"];
    expect(methods.filter((m) => prompt.includes(m))).toHaveLength(1);
    expect(Object.keys(EVOL_QUALITY_MUTATION_TEMPLATES)).toEqual(["HELPFULNESS", "RELEVANCE", "DEEPENING", "CREATIVITY", "DETAILS"]);
  });

  it("evolves the response while the instruction stays, keeping the last or every step", async () => {
    const last = await runBatch(new EvolQuality({ llm: echo(), numEvolutions: 2, mutationTemplates: LETTERS }), [row]);
    expect(last[0]?.evolved_response).toMatch(/^[HD]\[Explain recursion\.\|[HD]\[Explain recursion\.\|It calls itself\.\]\]$/);
    const stored = await runBatch(
      new EvolQuality({ llm: scripted("better", "best"), numEvolutions: 2, storeEvolutions: true, includeOriginalResponse: true }),
      [row],
    );
    expect(stored[0]).toMatchObject({ evolved_responses: ["It calls itself.", "better", "best"], instruction: "Explain recursion." });
    expect(new EvolQuality({ llm: scripted(), numEvolutions: 1, storeEvolutions: true }).outputs).toEqual(["evolved_responses", "model_name"]);
  });

  it("strips an echoed '#Rewritten Response#:' marker", () => {
    expect(parseEvolvedResponse("#Rewritten Response#:\nA function that calls itself on a smaller input.")).toBe(
      "A function that calls itself on a smaller input.",
    );
    expect(parseEvolvedResponse("  Plain answer. ")).toBe("Plain answer.");
  });

  it("nulls rows whose evolution fails or whose inputs are not strings", async () => {
    const { context, logger } = loggedContext();
    const llm = new ScriptedLLM({ replies: ["{input}"], failOn: "boom" });
    const rows = await runBatch(
      new EvolQuality({ llm, numEvolutions: 1, mutationTemplates: LETTERS, name: "eq" }),
      [{ instruction: "boom", response: "r" }, { instruction: "q", response: null }, row],
      context,
    );
    expect(rows.map((r) => r.evolved_response)).toEqual([null, null, expect.stringMatching(/It calls itself/)]);
    expect(metaOf(rows[0]).error_eq).toMatch(/scripted failure/);
    expect(metaOf(rows[1]).error_eq).toMatch(/input 'response' must be a string/);
    expect(logger.lines.join("\n")).toMatch(/2 of 3 evolution chains failed/);
  });

  it("runs num_generations chains per row, one row each or grouped", async () => {
    const rows = await runBatch(new EvolQuality({ llm: scripted("v1", "v2"), numEvolutions: 1, numGenerations: 2 }), [row]);
    expect(rows.map((r) => r.evolved_response)).toEqual(["v1", "v2"]);
    const grouped = await runBatch(new EvolQuality({ llm: scripted("v1", "v2"), numEvolutions: 1, numGenerations: 2, groupGenerations: true }), [row]);
    expect(grouped.map((r) => r.evolved_response)).toEqual([["v1", "v2"]]);
  });

  it("rejects templates without the response, and accepts distilabel placeholders", async () => {
    expect(() => new EvolQuality({ llm: scripted(), numEvolutions: 1, mutationTemplates: { X: "{{ prompt }} only" } })).toThrow(
      /never uses \{\{ response \}\}/,
    );
    expect(() => new EvolQuality({ llm: scripted(), numEvolutions: 1, mutationTemplates: { X: "<PROMPT> only" } })).toThrow(/lacks <RESPONSE>/);
    const rows = await runBatch(new EvolQuality({ llm: echo(), numEvolutions: 1, mutationTemplates: { X: "Q=<PROMPT> R=<RESPONSE>" } }), [row]);
    expect(rows[0]?.evolved_response).toBe("Q=Explain recursion. R=It calls itself.");
  });

  it("round-trips through dump and the default registry", () => {
    const task = new EvolQuality({ llm: scripted(), numEvolutions: 3, seed: 3 });
    const loaded = roundTrip(task);
    expect(loaded).toBeInstanceOf(EvolQuality);
    expect(loaded.renderPrompt(row)).toBe(task.renderPrompt(row));
  });
});
