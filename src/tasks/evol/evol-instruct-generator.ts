import { z } from "zod";
import { attribute, runtimeParameter } from "../../components/attributes.js";
import { seededRandom } from "../../core/random.js";
import type { Row, StepColumns } from "../../core/row.js";
import { OptionError } from "../../errors.js";
import type { ChatType } from "../../llms/types.js";
import type { GeneratorOutput, StepOptions } from "../../steps/base-step.js";
import type { StepContext } from "../../steps/step-context.js";
import { EVOL_SEED_WORDS } from "./evol-seed-words.js";
import { asUserChat } from "./evolution.js";
import { CallTrace, generateFor, withTraceMetadata } from "../support/llm-calls.js";
import { checkMutationTemplates, mutationTemplatesSchema, parseEvolvedPrompt, pickMutation, renderMutation } from "./mutation-templates.js";
import { GeneratorTask, generatorTaskAttributes } from "../base/task.js";
import { EVOL_INSTRUCT_GENERATION_MUTATION_TEMPLATES } from "../templates/evol-instruct.js";

const FRESH_START = "FRESH_START";

/** EvolInstructGenerator's attributes, with `defaults` as the default `mutation_templates`. */
export function evolInstructGeneratorAttributes(defaults: Readonly<Record<string, string>>) {
  return generatorTaskAttributes.extend({
    numInstructions: attribute(z.number().int().positive(), "How many instructions to generate."),
    generateAnswers: attribute(z.boolean().default(false), "Whether to also answer each instruction."),
    mutationTemplates: attribute(mutationTemplatesSchema.default({ ...defaults }), "Mutation prompts by name; FRESH_START starts from random seed words."),
    minLength: runtimeParameter(z.number().int().nonnegative().default(512), "Shortest accepted instruction, in characters."),
    maxLength: runtimeParameter(z.number().int().positive().default(1024), "Longest accepted instruction, in characters."),
    seed: runtimeParameter(z.number().int().default(42), "Seed of the random seed words and mutations (each instruction index draws from its own sequence)."),
    maxAttempts: runtimeParameter(
      z.number().int().positive().default(10),
      "Rounds of evolution one instruction may take to land between min_length and max_length; after that its row is null.",
    ),
  });
}

const schema = evolInstructGeneratorAttributes(EVOL_INSTRUCT_GENERATION_MUTATION_TEMPLATES);
type GeneratorSchema = typeof schema;

/** The evolution of the instruction at one index of the output. */
interface Candidate {
  random: () => number;
  prompt: string;
  trace: CallTrace;
  accepted: string | undefined;
}

/**
 * Generates instructions from nothing (distilabel's `EvolInstructGenerator`, WizardLM): each
 * instruction starts from a request built around random seed words and is evolved with random
 * mutations until its length falls within `min_length`..`max_length`. Outputs `instruction`
 * and, with `generate_answers`, `answer`. Each instruction index has its own seeded random
 * sequence, so any batch can be regenerated on its own; `num_generations` does not apply.
 *
 * @example
 * new EvolInstructGenerator({ llm, numInstructions: 100, minLength: 64, maxLength: 512, batchSize: 10 });
 */
export class EvolInstructGenerator extends GeneratorTask<GeneratorSchema> {
  static override readonly typeName: string = "EvolInstructGenerator";
  static override readonly attributes: GeneratorSchema = schema;

  constructor(options: StepOptions<GeneratorSchema>) {
    super(options);
    const owner = this.describeSelf();
    if (!(FRESH_START in this.attrs.mutationTemplates)) {
      throw new OptionError(`${owner}: mutation_templates needs a '${FRESH_START}' template to start instructions from seed words`, {
        component: owner,
        field: `mutation_templates.${FRESH_START}`,
      });
    }
    checkMutationTemplates(this.attrs.mutationTemplates, owner, ["prompt"]);
    this.checkLengths();
  }

  override async load(context: StepContext): Promise<void> {
    // Checked again here: runtime parameters may have moved either bound since construction.
    this.checkLengths();
    await super.load(context);
  }

  private checkLengths(): void {
    if (this.attrs.minLength > this.attrs.maxLength) {
      throw new OptionError(`${this.describeSelf()}: min_length (${this.attrs.minLength}) is greater than max_length (${this.attrs.maxLength})`, {
        component: this.describeSelf(),
        field: "min_length",
        expected: `at most max_length (${this.attrs.maxLength})`,
      });
    }
  }

  override get outputs(): StepColumns {
    return this.attrs.generateAnswers ? ["instruction", "answer", "model_name"] : ["instruction", "model_name"];
  }

  /** The first prompt of the instruction at `row.index` (default 0): a fresh start from seed words. */
  override formatInput(row: Row): ChatType {
    const index = typeof row.index === "number" ? row.index : 0;
    return asUserChat(this.candidate(index).prompt);
  }

  formatOutput(output: string | null): Row {
    return { instruction: output === null ? null : parseEvolvedPrompt(output) };
  }

  private freshStart(random: () => number): string {
    const count = 1 + Math.floor(random() * 4);
    const words = Array.from({ length: count }, () => EVOL_SEED_WORDS[Math.floor(random() * EVOL_SEED_WORDS.length)] ?? "idea");
    return renderMutation(this.attrs.mutationTemplates[FRESH_START] as string, { prompt: words.join(", ") });
  }

  private candidate(index: number): Candidate {
    const random = seededRandom(`${this.attrs.seed}:${index}`);
    return { random, prompt: this.freshStart(random), trace: new CallTrace(), accepted: undefined };
  }

  /** After a reply: accept it, or pick the next mutation of it (or a fresh start). */
  private advance(candidate: Candidate, reply: string): void {
    const text = parseEvolvedPrompt(reply);
    if (text.length >= this.attrs.minLength && text.length <= this.attrs.maxLength) {
      candidate.accepted = text;
      return;
    }
    const names = Object.keys(this.attrs.mutationTemplates);
    const name = pickMutation(names, candidate.random);
    candidate.prompt =
      name === FRESH_START || !text ? this.freshStart(candidate.random) : renderMutation(this.attrs.mutationTemplates[name] as string, { prompt: text });
  }

  async generate(offset: number, context: StepContext): Promise<GeneratorOutput> {
    const end = Math.min(offset + this.batchSize, this.attrs.numInstructions);
    const candidates = Array.from({ length: Math.max(0, end - offset) }, (_, i) => this.candidate(offset + i));
    for (let round = 0; round < this.attrs.maxAttempts; round++) {
      const open = candidates.filter((c) => c.accepted === undefined);
      if (open.length === 0) break;
      const ask = (c: Candidate): ChatType => asUserChat(c.prompt);
      await generateFor(this.llm, open, ask, context, (candidate, result) => {
        // A failed call keeps the same prompt for the next round.
        if (result.text !== null) this.advance(candidate, result.text);
      });
    }
    const answers = this.attrs.generateAnswers ? await this.answer(candidates, context) : [];
    const rows = candidates.map((candidate, i) => {
      if (candidate.accepted === undefined) {
        candidate.trace.fail(`no instruction of ${this.attrs.minLength}..${this.attrs.maxLength} characters after ${this.attrs.maxAttempts} attempts`);
      }
      const row: Row = { instruction: candidate.accepted ?? null };
      if (this.attrs.generateAnswers) row.answer = candidate.accepted === undefined ? null : (answers[i] ?? null);
      return { ...withTraceMetadata(this, row, candidate.trace), model_name: this.llm.modelName };
    });
    const failed = candidates.filter((c) => c.accepted === undefined).length;
    if (failed > 0) context.logger.warn(`Task '${this.name}': ${failed} of ${candidates.length} instructions did not converge; their rows are null.`);
    return { rows, lastBatch: end >= this.attrs.numInstructions };
  }

  private async answer(candidates: Candidate[], context: StepContext): Promise<Array<string | null>> {
    const asked = candidates.filter((c) => c.accepted !== undefined);
    const byCandidate = new Map<Candidate, string | null>();
    const ask = (c: Candidate): ChatType => asUserChat(c.accepted as string);
    await generateFor(this.llm, asked, ask, context, (candidate, result) => {
      if (result.text === null) candidate.trace.fail(result.error ?? "the LLM returned no answer");
      byCandidate.set(candidate, result.text);
    });
    return candidates.map((c) => byCandidate.get(c) ?? null);
  }
}
