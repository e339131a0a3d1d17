import type { Row } from "../../core/row.js";
import type { LLM } from "../../llms/llm.js";
import type { ChatType } from "../../llms/types.js";
import type { StepContext } from "../../steps/step-context.js";
import { CallTrace, generateFor } from "../support/llm-calls.js";
import { magpieOutputs, resolveMagpieFormat, type MagpieAttrs, type MagpieFormat, type MagpieStart } from "./magpie-settings.js";
import { MAGPIE_END_OF_TURN_TOKENS, MAGPIE_MULTI_TURN_SYSTEM_PROMPT } from "../templates/magpie.js";

/** One conversation being generated. */
export interface MagpieRun {
  messages: ChatType;
  key: string | undefined;
  trace: CallTrace;
  failed: boolean;
}

/** The conversation's first messages: its system prompt, or the multi-turn default. */
function openingMessages(attrs: MagpieAttrs, start: MagpieStart): ChatType {
  if (start.systemPrompt !== undefined) return [{ role: "system", content: start.systemPrompt }];
  if (attrs.nTurns > 1 && !attrs.onlyInstruction) return [{ role: "system", content: MAGPIE_MULTI_TURN_SYSTEM_PROMPT }];
  return [];
}

/** The raw completion prompt that makes the model write the next user turn. */
function userTurnPrompt(format: MagpieFormat, messages: ChatType): string {
  return format.chat.render({ messages, add_generation_prompt: false }) + format.preQuery;
}

/** The raw prompt of a conversation's first user turn (what `renderPrompt` shows). */
export function firstTurnPrompt(attrs: MagpieAttrs, owner: string, start: MagpieStart): string {
  return userTurnPrompt(resolveMagpieFormat(attrs, owner), openingMessages(attrs, start));
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
  await generateFor(llm, active, prompt, context, (run, result) => {
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
export async function runMagpie(llm: LLM, attrs: MagpieAttrs, owner: string, starts: MagpieStart[], context: StepContext): Promise<MagpieRun[]> {
  const format = resolveMagpieFormat(attrs, owner);
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
  const dialogue = run.messages.filter((m) => m.role !== "system");
  const text = (index: number): string | null => (run.failed ? null : ((dialogue[index]?.content as string | undefined) ?? null));
  const values: Row = {
    instruction: text(0),
    response: text(1),
    conversation: run.failed ? null : attrs.includeSystemPrompt ? run.messages : dialogue,
    system_prompt_key: run.key ?? null,
  };
  return Object.fromEntries(magpieOutputs(attrs).flatMap((column) => (column in values ? [[column, values[column]]] : [])));
}
