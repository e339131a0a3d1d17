import { z } from "zod";
import { attribute, runtimeParameter } from "../../components/attributes.js";
import { seededRandom } from "../../core/random.js";
import type { Row, StepColumns } from "../../core/row.js";
import type { ChatType } from "../../llms/types.js";
import type { StepOptions } from "../../steps/base-step.js";
import type { StepContext } from "../../steps/step-context.js";
import { asUserChat, evolve, failChain, newChain, warnFailures, type EvolutionChain } from "./evolution.js";
import { emitRows, withTraceMetadata } from "../support/llm-calls.js";
import { checkMutationTemplates, mutationTemplatesSchema, pickMutation, renderMutation } from "./mutation-templates.js";
import { Task, taskAttributes } from "../base/task.js";
import { EVOL_QUALITY_MUTATION_TEMPLATES } from "../templates/evol-quality.js";

const schema = taskAttributes.extend({
  numEvolutions: attribute(z.number().int().positive(), "How many times each response is evolved."),
  storeEvolutions: attribute(z.boolean().default(false), "Whether to keep every evolution (`evolved_responses`) or only the last (`evolved_response`)."),
  includeOriginalResponse: attribute(z.boolean().default(false), "Whether `evolved_responses` starts with the original response."),
  mutationTemplates: attribute(
    mutationTemplatesSchema.default({ ...EVOL_QUALITY_MUTATION_TEMPLATES }),
    "Mutation prompts by name; one is picked at random for each evolution.",
  ),
  seed: runtimeParameter(z.number().int().default(42), "Seed of the random choice of mutations (each row and generation draws from its own seeded sequence)."),
});

/** Models sometimes echo the template's closing marker before the rewritten response. */
const ECHOED_MARKER = /^\s*#?\s*Rewritten Response\s*#?\s*:\s*/i;

export function parseEvolvedResponse(reply: string): string {
  return reply.replace(ECHOED_MARKER, "").trim();
}

/**
 * Evolves responses into better ones (distilabel's `EvolQuality`, DEITA, arXiv:2312.15685):
 * each of `num_evolutions` rounds rewrites the last response to the same instruction with a
 * mutation picked at random (seeded per row). Inputs `instruction`, `response`; output
 * `evolved_response` (or `evolved_responses` with `store_evolutions`).
 *
 * @example
 * new EvolQuality({ llm, numEvolutions: 2 });
 */
export class EvolQuality extends Task<typeof schema> {
  static override readonly typeName = "EvolQuality";
  static override readonly attributes = schema;
  static override readonly inputs = ["instruction", "response"];

  constructor(options: StepOptions<typeof schema>) {
    super(options);
    checkMutationTemplates(this.attrs.mutationTemplates, this.describeSelf(), ["prompt", "response"]);
  }

  override get outputs(): StepColumns {
    return [this.attrs.storeEvolutions ? "evolved_responses" : "evolved_response", "model_name"];
  }

  /** The first mutation prompt of the row's first chain (what `renderPrompt` shows). */
  formatInput(row: Row): ChatType {
    return asUserChat(this.mutationPrompt(this.chainFor(row, 0), row));
  }

  formatOutput(output: string | null): Row {
    return { [this.attrs.storeEvolutions ? "evolved_responses" : "evolved_response"]: output === null ? null : parseEvolvedResponse(output) };
  }

  private chainFor(row: Row, generation: number): EvolutionChain {
    const instruction = typeof row.instruction === "string" ? row.instruction : "";
    const response = typeof row.response === "string" ? row.response : "";
    const chain = newChain(response, seededRandom(`${this.attrs.seed}:${generation}:${instruction}\u0000${response}`));
    for (const field of ["instruction", "response"] as const) {
      if (typeof row[field] !== "string") failChain(chain, `input '${field}' must be a string, got ${row[field] === null ? "null" : typeof row[field]}`);
    }
    return chain;
  }

  private mutationPrompt(chain: EvolutionChain, row: Row): string {
    const templates = this.attrs.mutationTemplates;
    const name = pickMutation(Object.keys(templates), chain.random);
    return renderMutation(templates[name] as string, {
      prompt: typeof row.instruction === "string" ? row.instruction : "",
      response: chain.history.at(-1) ?? "",
    });
  }

  override async process(inputs: Row[][], context: StepContext): Promise<Row[]> {
    const rows = inputs[0] ?? [];
    const n = this.attrs.numGenerations;
    const chains = rows.flatMap((row) => Array.from({ length: n }, (_, k) => this.chainFor(row, k)));
    const rowOf = new Map(chains.map((chain, i) => [chain, rows[Math.floor(i / n)] as Row]));
    await evolve(
      this.llm,
      chains,
      { steps: this.attrs.numEvolutions, prompt: (chain) => asUserChat(this.mutationPrompt(chain, rowOf.get(chain) ?? {})), parse: parseEvolvedResponse },
      context,
    );
    const store = this.attrs.storeEvolutions;
    const generated = rows.map((_, i) =>
      chains.slice(i * n, (i + 1) * n).map((chain) => {
        const kept = store ? chain.history.slice(this.attrs.includeOriginalResponse ? 0 : 1) : chain.history.slice(-1);
        const value = chain.failed ? null : store ? kept : (kept.at(-1) ?? null);
        return withTraceMetadata(this, { [store ? "evolved_responses" : "evolved_response"]: value }, chain.trace);
      }),
    );
    warnFailures(this.name, chains, context);
    return emitRows(this, rows, generated);
  }
}
