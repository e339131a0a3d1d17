import { z } from "zod";
import { LLM, llmAttributes, type GenerateOptions } from "../../src/llms/llm.js";
import type { FormattedInput, GenerateOutput } from "../../src/llms/types.js";
import { splitFormattedInput } from "../../src/llms/types.js";

const schema = llmAttributes.extend({
  model: z.string().default("scripted-model"),
  /** Replies in order, cycling; `{input}` is replaced by the last user message. */
  replies: z.array(z.string()).default(["reply to: {input}"]),
  /** Inputs whose last user message contains this text throw. */
  failOn: z.string().optional(),
});

/**
 * A deterministic in-process LLM for unit tests: answers from a script, echoes the prompt,
 * counts tokens as words. Not for production (register it only in tests).
 */
export class ScriptedLLM extends LLM<typeof schema> {
  static override readonly typeName = "ScriptedLLM";
  static override readonly generationKwargsSchema = z.object({ temperature: z.number().optional(), max_new_tokens: z.number().int().optional() });
  calls = 0;

  static override readonly attributes = schema;

  get modelName(): string {
    return this.attrs.model;
  }

  override get supportsNumGenerations(): boolean {
    return true;
  }

  async generateOne(input: FormattedInput, options: GenerateOptions): Promise<GenerateOutput> {
    const { input: prompt } = splitFormattedInput(input);
    const last = typeof prompt === "string" ? prompt : String(prompt.filter((m) => m.role === "user").at(-1)?.content ?? "");
    if (this.attrs.failOn !== undefined && last.includes(this.attrs.failOn)) throw new Error(`scripted failure for '${last}'`);
    const generations: string[] = [];
    for (let i = 0; i < options.numGenerations; i++) {
      const reply = this.attrs.replies[this.calls % this.attrs.replies.length] ?? "";
      this.calls++;
      generations.push(reply.replaceAll("{input}", last));
    }
    const words = (text: string): number => text.split(/\s+/).filter(Boolean).length;
    return { generations, statistics: { input_tokens: generations.map(() => words(last)), output_tokens: generations.map((g) => words(g)) } };
  }
}
