import { z } from "zod";
import { attribute } from "../../components/attributes.js";
import type { StepContext } from "../../steps/step-context.js";
import { assembleOutput, fanOut, type CallResult } from "../assemble-output.js";
import { estimateTokens } from "../chat-text.js";
import { llmAttributes, type GenerateOptions } from "../llm.js";
import { reliabilityAttributes } from "../reliability/reliability-attributes.js";
import { RemoteLLM } from "../remote-llm.js";
import { jsonSchemaOnly } from "../structured/json-schema-validator.js";
import { splitFormattedInput, type ChatType, type FormattedInput, type GenerateOutput, type StructuredOutput } from "../types.js";
import { workersAiOfflineBatchGenerate } from "../offline-batch/workers-ai-offline-batch.js";
import { runOptions, workersAIBinding, workersAiBindingAttributes, type WorkersAIBinding } from "../workers-ai-binding.js";
import { pickDefined, withoutUndefined } from "../defined-fields.js";
import { workersAiGenerationKwargsSchema, type WorkersAIGenerationKwargs } from "./generation-kwargs.js";
import { choicesResult, parseOpenAIResponse } from "./openai-response.js";

export const workersAiLlmAttributes = llmAttributes.extend({
  model: attribute(z.string().min(1), "The Workers AI model, e.g. `@cf/meta/llama-3.1-8b-instruct`."),
  ...workersAiBindingAttributes,
  ...reliabilityAttributes({ maxRetries: 6, timeout: 120 }),
});

export type WorkersAILLMOptions = z.input<typeof workersAiLlmAttributes>;

const nativeResponseSchema = z.object({
  response: z.unknown(),
  usage: z.object({ prompt_tokens: z.number().nullish(), completion_tokens: z.number().nullish() }).nullish(),
});

/**
 * Cloudflare Workers AI through the `AI` binding: no API key, chats as `messages`, raw strings
 * as `prompt` with `raw: true` (the template is already applied, as for Magpie), JSON mode for
 * structured output. Several generations are separate calls.
 *
 * @example
 * const llm = new WorkersAILLM({ model: "@cf/meta/llama-3.1-8b-instruct" });
 */
export class WorkersAILLM extends RemoteLLM<typeof workersAiLlmAttributes> {
  static override readonly typeName: string = "WorkersAILLM";
  static override readonly generationKwargsSchema = workersAiGenerationKwargsSchema;
  static override readonly attributes = workersAiLlmAttributes;

  protected rateLimitKey(): string {
    return `${this.typeName}|workers-ai|${this.attrs.model}`;
  }

  /** A missing binding fails here, before any row. */
  override async load(context: StepContext): Promise<void> {
    this.binding(context);
  }

  private binding(context: StepContext): WorkersAIBinding {
    return workersAIBinding(context, this.attrs.binding, this.describeSelf());
  }

  /** The inputs of one request: a chat as `messages`, a raw string as `prompt`, the sampling kwargs, JSON mode. */
  private requestInputs(prompt: ChatType | string, structured: StructuredOutput | undefined, kwargs: WorkersAIGenerationKwargs): Record<string, unknown> {
    return withoutUndefined({
      ...(typeof prompt === "string" ? { prompt, raw: true } : { messages: prompt }),
      max_tokens: kwargs.max_new_tokens,
      ...pickDefined(kwargs, ["temperature", "top_p", "top_k", "seed", "repetition_penalty", "frequency_penalty", "presence_penalty"]),
      // Workers AI JSON mode: the schema itself under `json_schema`.
      response_format: structured ? { type: "json_schema", json_schema: jsonSchemaOnly(structured, "WorkersAILLM takes") } : undefined,
    });
  }

  async generateOne(input: FormattedInput, options: GenerateOptions): Promise<GenerateOutput> {
    const { input: prompt, structuredOutput } = splitFormattedInput(input);
    const structured = structuredOutput ?? this.structuredOutput;
    const kwargs = workersAiGenerationKwargsSchema.parse(this.generationKwargs);
    const { context, numGenerations } = options;
    const ai = this.binding(context);
    const inputs = this.requestInputs(prompt, structured, kwargs);
    const { results, errors } = await fanOut(numGenerations, async (): Promise<CallResult> => {
      const raw = await this.call(context, { tokens: estimateTokens(prompt) + (kwargs.max_new_tokens ?? 256) }, (attempt) =>
        ai.run(this.attrs.model, inputs, runOptions(attempt.signal, this.attrs.gateway)),
      );
      return readWorkersAIReply(raw);
    });
    return assembleOutput(results, { numGenerations, structured, errors });
  }

  override get supportsOfflineBatchGeneration(): boolean {
    return true;
  }

  /** Workers AI's asynchronous batches (`queueRequest: true`), one per step batch (see `workersAiOfflineBatchGenerate`). */
  protected override offlineBatchGenerate(inputs: FormattedInput[], options: GenerateOptions): Promise<GenerateOutput[]> {
    const kwargs = workersAiGenerationKwargsSchema.parse(this.generationKwargs);
    return workersAiOfflineBatchGenerate(
      {
        provider: this.typeName,
        model: this.attrs.model,
        ai: this.binding(options.context),
        gateway: this.attrs.gateway,
        pollIntervalSeconds: this.offlineBatchPollSeconds,
        structuredOutput: this.structuredOutput,
        requestInputs: (prompt, structured) => this.requestInputs(prompt, structured, kwargs),
        readReply: readWorkersAIReply,
        call: (context, run) => this.call(context, undefined, run),
      },
      inputs,
      options,
    );
  }
}

/** Native replies (`{response, usage}`; JSON mode may give an object) or OpenAI-style `{choices}` ones. */
function readWorkersAIReply(raw: unknown): CallResult {
  if (raw && typeof raw === "object" && Array.isArray((raw as { choices?: unknown }).choices)) return choicesResult(parseOpenAIResponse(raw, "chat"), 1);
  const parsed = nativeResponseSchema.safeParse(raw);
  if (!parsed.success || parsed.data.response === undefined) throw new Error("malformed response: expected `response` from Workers AI");
  const { response, usage } = parsed.data;
  const text = response === null ? null : typeof response === "string" ? response : JSON.stringify(response);
  return { texts: [text], inputTokens: usage?.prompt_tokens ?? undefined, outputTokens: usage?.completion_tokens ?? undefined };
}
