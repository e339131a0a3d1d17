import type { Row } from "../../core/row.js";
import type { LLM } from "../../llms/llm.js";
import type { ChatType } from "../../llms/types.js";
import type { StepContext } from "../../steps/step-context.js";
import { CallTrace, generateEach } from "../support/llm-calls.js";
import type { MagpieAttrs, MagpieFormat } from "./magpie-settings.js";
import { MAGPIE_END_OF_TURN_TOKENS, MAGPIE_MULTI_TURN_SYSTEM_PROMPT } from "../templates/magpie.js";

/** How one conversation starts: its system prompt, and the name it was picked under. */
export interface MagpieStart {
  systemPrompt: string | undefined;
  key: string | undefined;
}

/** One conversation being generated. */
export interface MagpieRun {
  messages: ChatType;
  key: string | undefined;
  trace: CallTrace;
  failed: boolean;
}

/** The conversation's first messages: its system prompt, or the multi-turn default. */
export function openingMessages(attrs: MagpieAttrs, start: MagpieStart): ChatType {
  if (start.systemPrompt !== undefined) return [{ role: "system", content: start.systemPrompt }];
  if (attrs.nTurns > 1 && !attrs.onlyInstruction) return [{ role: "system", content: MAGPIE_MULTI_TURN_SYSTEM_PROMPT }];
  return [];
}

/** The raw completion prompt that makes the model write the next user turn. */
export function userTurnPrompt(format: MagpieFormat, messages: ChatType): string {
  return format.chat.render({ messages, add_generation_prompt: false }) + format.preQuery;
}

function assistantTurnPrompt(format: MagpieFormat, messages: ChatType): string {
  return format.chat.render({ messages, add_generation_prompt: true });
}

/** A completion up to the first end-of-turn token, trimmed. */
export function cleanTurn(text: string): string {
  let end = text.length;
  for (const token of MAGPIE_END_OF_TURN_TOKENS) {
    const at = text.indexOf(token);
    if (at !== -1 && at < end) end = at;
  }
  return text.slice(0, end).trim();
}

async function generateTurn(llm: LLM, runs: MagpieRun[], role: "user" | "assistant", prompt: (run: MagpieRun) => string, context: StepContext): Promise<void> {
  const active = runs.filter((run) => !run.failed);
  const prompts = active.map(prompt);
  const results = await generateEach(llm, prompts, context);
  active.forEach((run, i) => {
    const result = results[i];
    const sent = prompts[i];
    if (!result || sent === undefined) return;
    run.trace.record(sent, result);
    const content = result.text === null ? "" : cleanTurn(result.text);
    if (!content) {
      run.failed = true;
      run.trace.fail(result.text === null ? (result.error ?? "the LLM returned no generation") : `the ${role} turn came back empty`);
      return;
    }
    run.messages.push({ role, content });
  });
}

/**
 * Generates conversations the Magpie way: for each turn, the model completes the chat
 * template opened at a user header (it writes the user's message), then answers it as the
 * assistant; all conversations advance together, one batched call per half-turn.
 */
export async function runMagpie(llm: LLM, attrs: MagpieAttrs, format: MagpieFormat, starts: MagpieStart[], context: StepContext): Promise<MagpieRun[]> {
  const runs: MagpieRun[] = starts.map((start) => ({ messages: openingMessages(attrs, start), key: start.key, trace: new CallTrace(), failed: false }));
  const turns = attrs.onlyInstruction ? 1 : attrs.nTurns;
  for (let turn = 0; turn < turns; turn++) {
    await generateTurn(llm, runs, "user", (run) => userTurnPrompt(format, run.messages), context);
    if (attrs.onlyInstruction || (turn === turns - 1 && attrs.endWithUser)) break;
    await generateTurn(llm, runs, "assistant", (run) => assistantTurnPrompt(format, run.messages), context);
  }
  return runs;
}

/** The output columns of one conversation (null outputs when it failed). */
export function magpieRowOutputs(attrs: MagpieAttrs, run: MagpieRun): Row {
  const messages = attrs.includeSystemPrompt ? run.messages : run.messages.filter((m) => m.role !== "system");
  const dialogue = run.messages.filter((m) => m.role !== "system");
  const text = (index: number): string | null => (run.failed ? null : ((dialogue[index]?.content as string | undefined) ?? null));
  const out: Row = attrs.onlyInstruction
    ? { instruction: text(0) }
    : attrs.nTurns === 1 && !attrs.endWithUser
      ? { instruction: text(0), response: text(1) }
      : { conversation: run.failed ? null : messages };
  if (attrs.systemPrompt !== undefined && typeof attrs.systemPrompt === "object" && !Array.isArray(attrs.systemPrompt)) out.system_prompt_key = run.key ?? null;
  return out;
}
