import { z } from "zod";
import { attribute } from "../../components/attributes.js";
import { OptionError } from "../../errors.js";
import type { StepContext } from "../../steps/step-context.js";
import { LLM, llmAttributes, type GenerateOptions } from "../llm.js";
import { splitEvenly } from "../assemble-output.js";
import { splitFormattedInput, type ChatType, type FormattedInput, type GenerateOutput } from "../types.js";

const llmSchema = z.custom<LLM>((value) => value instanceof LLM, { message: "an LLM instance (serialized: an object with type_info)" });

export const mixtureOfAgentsLlmAttributes = llmAttributes.extend({
  aggregatorLlm: attribute(llmSchema, "The LLM that writes the final answer, seeing the proposers' answers."),
  proposersLlms: attribute(z.array(llmSchema).min(1), "The LLMs whose answers the aggregator (and later rounds) see."),
  rounds: attribute(z.number().int().positive().default(1), "How many rounds the proposers answer before the aggregator does."),
});

export type MixtureOfAgentsLLMOptions = z.input<typeof mixtureOfAgentsLlmAttributes>;

/** Our instruction to a model that sees other models' answers (Mixture-of-Agents). */
export const REFERENCES_INSTRUCTION = [
  "Other assistants have already answered the user's latest message; their answers are listed below.",
  "Treat them as drafts: some may be wrong, incomplete or one-sided. Check them against each other and against what you know,",
  "keep what is correct and useful, fix what is not, and write a single answer of your own that is accurate, complete and clearly organised.",
  "Do not mention the drafts or that you were given them.",
].join(" ");

/** The chat with the references placed in its system prompt (appended to an existing one). */
export function withReferences(chat: ChatType, references: string[]): ChatType {
  const listed = references.map((text, i) => `${i + 1}. ${text}`).join("\n\n");
  const block = `${REFERENCES_INSTRUCTION}\n\nDraft answers:\n\n${listed}`;
  const first = chat[0];
  if (first?.role === "system" && typeof first.content === "string") {
    return [{ role: "system", content: `${first.content}\n\n${block}` }, ...chat.slice(1)];
  }
  return [{ role: "system", content: block }, ...chat];
}

/**
 * Mixture-of-Agents (distilabel's `MixtureOfAgentsLLM`): the proposers answer, for `rounds`
 * rounds each seeing the previous round's answers, then the aggregator answers with the last
 * round's answers in its system prompt. Nested LLMs are ordinary components: serialized with
 * their `type_info`, tuned through `aggregator_llm` / `proposers_llms.<i>` runtime parameters.
 */
export class MixtureOfAgentsLLM extends LLM<typeof mixtureOfAgentsLlmAttributes> {
  static override readonly typeName: string = "MixtureOfAgentsLLM";

  static override readonly attributes = mixtureOfAgentsLlmAttributes;

  constructor(options: MixtureOfAgentsLLMOptions) {
    super(options);
    // Each round needs the previous one's answers at once: a job that takes hours cannot sit between them.
    const batched = [this.attrs.aggregatorLlm, ...this.attrs.proposersLlms].find((llm) => llm.useOfflineBatchGeneration);
    if (batched) {
      throw new OptionError(`${this.describeSelf()}: its LLMs answer online only; remove use_offline_batch_generation from ${batched.describeSelf()}`, {
        component: this.typeName,
        field: "use_offline_batch_generation",
        expected: "false",
      });
    }
  }

  /** Its proposers and aggregator meter and cache their own calls. */
  override get meteredDirectly(): boolean {
    return false;
  }

  get modelName(): string {
    return `moa-${this.attrs.aggregatorLlm.modelName}-${this.attrs.proposersLlms.map((llm) => llm.modelName).join("-")}`;
  }

  override get supportsNumGenerations(): boolean {
    return this.attrs.aggregatorLlm.supportsNumGenerations;
  }

  override async load(context: StepContext): Promise<void> {
    await Promise.all([this.attrs.aggregatorLlm, ...this.attrs.proposersLlms].map((llm) => llm.load(context)));
  }

  async generateOne(input: FormattedInput, options: GenerateOptions): Promise<GenerateOutput> {
    const { input: chat, structuredOutput } = splitFormattedInput(input);
    if (typeof chat === "string") {
      throw new OptionError(`${this.describeSelf()} needs chat inputs: the proposers' answers go into the system prompt`, {
        field: "input",
        expected: "a chat (list of messages)",
      });
    }
    const { context } = options;
    let proposals: string[] = [];
    let proposerInput = 0;
    let proposerOutput = 0;
    for (let round = 0; round < this.attrs.rounds; round++) {
      const prompt = round === 0 ? chat : withReferences(chat, proposals);
      const outputs = await Promise.all(this.attrs.proposersLlms.map((llm) => llm.generate([prompt], { numGenerations: 1, context })));
      const answers: string[] = [];
      const failures: string[] = [];
      outputs.forEach(([output], i) => {
        const text = output?.generations[0];
        if (typeof text === "string") answers.push(text);
        else failures.push(`${this.attrs.proposersLlms[i]?.modelName ?? i}: ${output?.error ?? "no answer"}`);
        proposerInput += Math.max(0, output?.statistics.input_tokens[0] ?? 0);
        proposerOutput += Math.max(0, output?.statistics.output_tokens[0] ?? 0);
      });
      if (answers.length === 0) throw new Error(`every proposer failed in round ${round + 1}: ${failures.join("; ")}`);
      if (failures.length > 0) context.logger.warn(`${this.describeSelf()}: proposers failed in round ${round + 1}: ${failures.join("; ")}`);
      proposals = answers;
    }
    const structured = structuredOutput ?? this.structuredOutput;
    const aggregatorPrompt = withReferences(chat, proposals);
    const [output] = await this.attrs.aggregatorLlm.generate([structured ? { input: aggregatorPrompt, structuredOutput: structured } : aggregatorPrompt], {
      numGenerations: options.numGenerations,
      context,
    });
    if (!output) throw new Error("the aggregator returned nothing");
    // Statistics count every token the mixture spent: the proposers' share is spread over the generations.
    const n = output.generations.length;
    const extraIn = splitEvenly(proposerInput, n);
    const extraOut = splitEvenly(proposerOutput, n);
    return {
      ...output,
      statistics: {
        input_tokens: output.statistics.input_tokens.map((count, i) => (count < 0 ? count : count + (extraIn[i] ?? 0))),
        output_tokens: output.statistics.output_tokens.map((count, i) => (count < 0 ? count : count + (extraOut[i] ?? 0))),
      },
    };
  }
}
