import { z } from "zod";
import { attribute, runtimeParameter } from "../../components/attributes.js";
import { OptionError } from "../../errors.js";
import type { CompiledTemplate } from "../../templates/render.js";
import { compileTaskTemplate } from "../support/task-template.js";
import { MAGPIE_CHAT_TEMPLATES, MAGPIE_PRE_QUERY_TEMPLATES } from "../templates/magpie.js";

/** One system prompt, a list to draw from, or named ones (optionally weighted: `[prompt, probability]`). */
export const magpieSystemPromptSchema = z.union([
  z.string(),
  z.array(z.string()).min(1, "system_prompt needs at least one prompt"),
  z.record(z.string(), z.union([z.string(), z.tuple([z.string(), z.number().nonnegative()])])),
]);
export type MagpieSystemPrompt = z.infer<typeof magpieSystemPromptSchema>;

/** What Magpie and MagpieGenerator share (distilabel's `MagpieBase`, plus the pre-query template). */
export const magpieExtension = {
  nTurns: runtimeParameter(z.number().int().positive().default(1), "The number of turns to generate for the conversation."),
  endWithUser: runtimeParameter(z.boolean().default(false), "Whether the conversation should end with a user message."),
  includeSystemPrompt: runtimeParameter(z.boolean().default(false), "Whether to include the system prompt used in the generated conversation."),
  onlyInstruction: runtimeParameter(
    z.boolean().default(false),
    "Whether to generate only the instruction. If this argument is `True`, then `n_turns` will be ignored.",
  ),
  systemPrompt: runtimeParameter(
    magpieSystemPromptSchema.optional(),
    "A system prompt, a list of system prompts to pick from at random, or a dictionary of named system prompts (optionally with their probability of being chosen) to steer the topic of the generated instructions.",
  ),
  magpiePreQueryTemplate: attribute(
    z.string().min(1).default("llama3"),
    "'llama3', 'qwen2', or the raw text that opens a user turn in the model's chat format.",
  ),
  chatTemplate: attribute(
    z.string().optional(),
    "Jinja2 chat template over `messages` and `add_generation_prompt`; needed when magpie_pre_query_template is custom.",
  ),
  seed: runtimeParameter(z.number().int().default(42), "Seed of the random choice of system prompts."),
};

export type MagpieAttrs = z.output<z.ZodObject<typeof magpieExtension>>;

/** How one conversation starts: its system prompt, and the name it was picked under. */
export interface MagpieStart {
  systemPrompt: string | undefined;
  key: string | undefined;
}

/** The prompt format resolved from the options: the chat template and the pre-query text. */
export interface MagpieFormat {
  chat: CompiledTemplate;
  preQuery: string;
}

export function resolveMagpieFormat(attrs: MagpieAttrs, owner: string): MagpieFormat {
  const known = Object.hasOwn(MAGPIE_PRE_QUERY_TEMPLATES, attrs.magpiePreQueryTemplate)
    ? (attrs.magpiePreQueryTemplate as keyof typeof MAGPIE_PRE_QUERY_TEMPLATES)
    : undefined;
  const chatSource = attrs.chatTemplate ?? (known ? MAGPIE_CHAT_TEMPLATES[known] : undefined);
  if (chatSource === undefined) {
    throw new OptionError(
      `${owner}: a custom magpie_pre_query_template needs a chat_template (Jinja2 over 'messages' and 'add_generation_prompt') to render the conversation before it`,
      { component: owner, field: "chat_template", expected: "a Jinja2 chat template" },
    );
  }
  return { chat: compileTaskTemplate(chatSource, owner, "chat_template"), preQuery: known ? MAGPIE_PRE_QUERY_TEMPLATES[known] : attrs.magpiePreQueryTemplate };
}

/** Checks the options at construction: the system prompts, and a format the options resolve to. */
export function checkMagpieOptions(attrs: MagpieAttrs, owner: string): void {
  checkMagpieSystemPrompt(attrs.systemPrompt, owner);
  resolveMagpieFormat(attrs, owner);
}

/** Weighted system prompts must all be weighted, and their probabilities must add up to 1. */
export function checkMagpieSystemPrompt(systemPrompt: MagpieSystemPrompt | undefined, owner: string): void {
  if (systemPrompt === undefined || typeof systemPrompt === "string" || Array.isArray(systemPrompt)) return;
  const values = Object.values(systemPrompt);
  if (values.length === 0)
    throw new OptionError(`${owner}: system_prompt is an empty dictionary`, {
      component: owner,
      field: "system_prompt",
      expected: "at least one named prompt",
    });
  const weighted = values.filter((v) => Array.isArray(v));
  if (weighted.length === 0) return;
  if (weighted.length !== values.length) {
    throw new OptionError(`${owner}: system_prompt mixes weighted ([prompt, probability]) and plain prompts; weight all or none`, {
      component: owner,
      field: "system_prompt",
    });
  }
  const total = weighted.reduce((sum, [, weight]) => sum + weight, 0);
  if (Math.abs(total - 1) > 1e-6) {
    throw new OptionError(`${owner}: the probabilities of the system prompts add up to ${total}, not 1.0`, {
      component: owner,
      field: "system_prompt",
      expected: "probabilities summing to 1.0",
    });
  }
}

/** Picks a system prompt with a seeded draw; `key` is set when the prompts are named. */
export function chooseSystemPrompt(systemPrompt: MagpieSystemPrompt | undefined, random: () => number): MagpieStart {
  if (systemPrompt === undefined) return { systemPrompt: undefined, key: undefined };
  if (typeof systemPrompt === "string") return { systemPrompt, key: undefined };
  if (Array.isArray(systemPrompt)) return { systemPrompt: systemPrompt[Math.floor(random() * systemPrompt.length)], key: undefined };
  const entries = Object.entries(systemPrompt);
  const draw = random();
  let cumulative = 0;
  let chosen = entries[Math.floor(draw * entries.length)] ?? entries[0];
  if (entries.every(([, value]) => Array.isArray(value))) {
    chosen = entries.find(([, value]) => (cumulative += (value as [string, number])[1]) > draw) ?? entries[entries.length - 1];
  }
  if (!chosen) return { systemPrompt: undefined, key: undefined };
  const [key, value] = chosen;
  return { systemPrompt: typeof value === "string" ? value : value[0], key };
}

/** The columns Magpie writes for these options. */
export function magpieOutputs(attrs: MagpieAttrs): string[] {
  const columns = attrs.onlyInstruction ? ["instruction"] : attrs.nTurns === 1 && !attrs.endWithUser ? ["instruction", "response"] : ["conversation"];
  const named = attrs.systemPrompt !== undefined && typeof attrs.systemPrompt === "object" && !Array.isArray(attrs.systemPrompt);
  if (named) columns.push("system_prompt_key");
  columns.push("model_name");
  return columns;
}
