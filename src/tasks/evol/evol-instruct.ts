import { z } from "zod";
import { attribute, runtimeParameter } from "../../components/attributes.js";
import { seededRandom } from "../../core/random.js";
import type { Row, StepColumns } from "../../core/row.js";
import type { ChatType } from "../../llms/types.js";
import type { StepOptions } from "../../steps/base-step.js";
import type { StepContext } from "../../steps/step-context.js";
import { answerChains, asUserChat, evolve, failChain, newChain, warnFailures, type EvolutionChain } from "./evolution.js";
import { emitRows, withTraceMetadata } from "../support/llm-calls.js";
import { checkMutationTemplates, mutationTemplatesSchema, parseEvolvedPrompt, pickMutation, renderMutation } from "./mutation-templates.js";
import { Task, taskAttributes } from "../base/task.js";
import { EVOL_INSTRUCT_MUTATION_TEMPLATES } from "../templates/evol-instruct.js";

/** EvolInstruct's attributes, with `defaults` as the default `mutation_templates`. */
export function evolInstructAttributes(defaults: Readonly<Record<string, string>>) {
  return taskAttributes.extend({
    numEvolutions: attribute(z.number().int().positive(), "How many times each instruction is evolved."),
    storeEvolutions: attribute(
      z.boolean().default(false),
      "Whether to keep every evolution (`evolved_instructions`) or only the last (`evolved_instruction`).",
    ),
    generateAnswers: attribute(z.boolean().default(false), "Whether to also answer the evolved instructions."),
    includeOriginalInstruction: attribute(z.boolean().default(false), "Whether `evolved_instructions` starts with the original instruction."),
    mutationTemplates: attribute(mutationTemplatesSchema.default({ ...defaults }), "Mutation prompts by name; one is picked at random for each evolution."),
    seed: runtimeParameter(
      z.number().int().default(42),
      "Seed of the random choice of mutations (each row and generation draws from its own seeded sequence).",
    ),
  });
}

const schema = evolInstructAttributes(EVOL_INSTRUCT_MUTATION_TEMPLATES);
type EvolInstructSchema = typeof schema;

/**
 * Evolves instructions into harder ones (distilabel's `EvolInstruct`, WizardLM's Evol-Instruct,
 * arXiv:2304.12244): each of `num_evolutions` rounds rewrites the last instruction with a
 * mutation template picked at random (seeded per row, so reruns pick the same). Input
 * `instruction`; outputs `evolved_instruction` (or `evolved_instructions` with
 * `store_evolutions`) and, with `generate_answers`, `answer` (or `answers`). With
 * `num_generations` > 1 each row is evolved along that many independent chains.
 *
 * @example
 * new EvolInstruct({ llm, numEvolutions: 3, storeEvolutions: true, generateAnswers: true });
 */
export class EvolInstruct extends Task<EvolInstructSchema> {
  static override readonly typeName: string = "EvolInstruct";
  /** Subclasses swap in their own default mutation templates. */
  static override readonly attributes: EvolInstructSchema = schema;
  static override readonly inputs = ["instruction"];

  constructor(options: StepOptions<EvolInstructSchema>) {
    super(options);
    checkMutationTemplates(this.attrs.mutationTemplates, this.describeSelf(), ["prompt"]);
  }

  override get outputs(): StepColumns {
    const columns = [this.attrs.storeEvolutions ? "evolved_instructions" : "evolved_instruction", "model_name"];
    if (this.attrs.generateAnswers) columns.push(this.attrs.storeEvolutions ? "answers" : "answer");
    return columns;
  }

  /** The first mutation prompt of the row's first chain (what `renderPrompt` shows). */
  formatInput(row: Row): ChatType {
    const chain = this.chainFor(row, 0);
    return asUserChat(this.mutationPrompt(chain));
  }

  formatOutput(output: string | null): Row {
    return { [this.attrs.storeEvolutions ? "evolved_instructions" : "evolved_instruction"]: output === null ? null : parseEvolvedPrompt(output) };
  }

  private chainFor(row: Row, generation: number): EvolutionChain {
    const instruction = typeof row.instruction === "string" ? row.instruction : "";
    const chain = newChain(instruction, seededRandom(`${this.attrs.seed}:${generation}:${instruction}`));
    if (typeof row.instruction !== "string")
      failChain(chain, `input 'instruction' must be a string, got ${row.instruction === null ? "null" : typeof row.instruction}`);
    return chain;
  }

  private mutationPrompt(chain: EvolutionChain): string {
    const templates = this.attrs.mutationTemplates;
    const name = pickMutation(Object.keys(templates), chain.random);
    return renderMutation(templates[name] as string, { prompt: chain.history.at(-1) ?? "" });
  }

  override async process(inputs: Row[][], context: StepContext): Promise<Row[]> {
    const rows = inputs[0] ?? [];
    const n = this.attrs.numGenerations;
    const chains = rows.flatMap((row) => Array.from({ length: n }, (_, k) => this.chainFor(row, k)));
    await evolve(
      this.llm,
      chains,
      { steps: this.attrs.numEvolutions, prompt: (chain) => asUserChat(this.mutationPrompt(chain)), parse: parseEvolvedPrompt },
      context,
    );
    const kept = (chain: EvolutionChain): string[] =>
      this.attrs.storeEvolutions ? chain.history.slice(this.attrs.includeOriginalInstruction ? 0 : 1) : chain.history.slice(-1);
    const answers = this.attrs.generateAnswers ? await answerChains(this.llm, chains, kept, context) : [];
    const generated = rows.map((_, i) => chains.slice(i * n, (i + 1) * n).map((chain, k) => this.chainRow(chain, kept(chain), answers[i * n + k])));
    warnFailures(this.name, chains, context);
    return emitRows(this, rows, generated);
  }

  private chainRow(chain: EvolutionChain, instructions: string[], answers: string[] | undefined): Row {
    const store = this.attrs.storeEvolutions;
    const row: Row = { [store ? "evolved_instructions" : "evolved_instruction"]: chain.failed ? null : store ? instructions : (instructions.at(-1) ?? null) };
    if (this.attrs.generateAnswers) row[store ? "answers" : "answer"] = chain.failed || !answers ? null : store ? answers : (answers.at(-1) ?? null);
    return withTraceMetadata(this, row, chain.trace);
  }
}
