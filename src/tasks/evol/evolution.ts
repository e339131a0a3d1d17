import type { LLM } from "../../llms/llm.js";
import type { ChatType, FormattedInput } from "../../llms/types.js";
import type { StepContext } from "../../steps/step-context.js";
import { CallTrace, generateEach, generateFor } from "../support/llm-calls.js";

/**
 * One row's chain of evolutions (EvolInstruct, EvolComplexity, EvolQuality): the text at each
 * step, a seeded random source for picking mutations, and the calls made.
 */
export interface EvolutionChain {
  /** The original text, then each evolved text. */
  history: string[];
  random: () => number;
  trace: CallTrace;
  failed: boolean;
}

export function newChain(start: string, random: () => number): EvolutionChain {
  return { history: [start], random, trace: new CallTrace(), failed: false };
}

export function failChain(chain: EvolutionChain, reason: string): void {
  chain.failed = true;
  chain.trace.fail(reason);
}

export const asUserChat = (content: string): ChatType => [{ role: "user", content }];

/**
 * Runs `steps` rounds of evolution over every chain still alive, one batched LLM call per
 * round: `prompt` builds a chain's next prompt from its last text, `parse` reads the evolved
 * text from the reply (an empty result fails the chain).
 */
export async function evolve(
  llm: LLM,
  chains: EvolutionChain[],
  options: { steps: number; prompt: (chain: EvolutionChain) => FormattedInput; parse: (reply: string) => string },
  context: StepContext,
): Promise<void> {
  for (let step = 0; step < options.steps; step++) {
    const active = chains.filter((chain) => !chain.failed);
    if (active.length === 0) return;
    await generateFor(llm, active, options.prompt, context, (chain, result) => {
      if (result.text === null) {
        failChain(chain, result.error ?? "the LLM returned no generation");
        return;
      }
      const evolved = options.parse(result.text);
      if (!evolved) {
        failChain(chain, `evolution ${step + 1} gave an empty text`);
        return;
      }
      chain.history.push(evolved);
    });
  }
}

/**
 * Answers, for each live chain, the texts `pick` chooses (one LLM call per text); a chain with
 * any answer missing fails. Returns the answers per chain (undefined for failed chains).
 */
export async function answerChains(
  llm: LLM,
  chains: EvolutionChain[],
  pick: (chain: EvolutionChain) => string[],
  context: StepContext,
): Promise<Array<string[] | undefined>> {
  const questions = chains.map((chain) => (chain.failed ? [] : pick(chain)));
  const prompts = questions.flat().map(asUserChat);
  const results = await generateEach(llm, prompts, context);
  let next = 0;
  return chains.map((chain, i) => {
    const asked = questions[i] ?? [];
    if (chain.failed) return undefined;
    const answers: string[] = [];
    for (let k = 0; k < asked.length; k++) {
      const result = results[next];
      const prompt = prompts[next];
      next++;
      if (!result || prompt === undefined) continue;
      chain.trace.record(prompt, result);
      if (result.text === null) failChain(chain, result.error ?? "the LLM returned no answer");
      else answers.push(result.text);
    }
    return chain.failed ? undefined : answers;
  });
}

/** One warning per batch for the chains that failed, with the first reason. */
export function warnFailures(taskName: string, chains: EvolutionChain[], context: StepContext): void {
  const failed = chains.filter((chain) => chain.failed);
  if (failed.length === 0) return;
  context.logger.warn(
    `Task '${taskName}': ${failed.length} of ${chains.length} evolution chains failed (first: ${failed[0]?.trace.error ?? "unknown"}). Their outputs are null.`,
  );
}
