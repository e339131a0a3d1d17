import { z } from "zod";
import { attribute } from "../../components/attributes.js";
import type { StepContext } from "../../steps/step-context.js";
import { assembleOutput, fanOut, type CallResult } from "../assemble-output.js";
import { estimateTokens } from "../chat-text.js";
import { llmAttributes, type GenerateOptions } from "../llm.js";
import { reliabilityAttributes } from "../reliability/reliability-attributes.js";
import { RemoteLLM } from "../remote-llm.js";
import { jsonSchemaOf } from "../structured/json-schema-validator.js";
import { splitFormattedInput, type ChatType, type FormattedInput, type GenerateOutput, type StructuredOutput } from "../types.js";
import { workersAiOfflineBatchGenerate } from "../offline-batch/workers-ai-offline-batch.js";
import { gatewayOptions, workersAIBinding } from "../workers-ai-binding.js";
import { parseOpenAIResponse } from "./openai-response.js";
import { OptionError } from "../../errors.js";

export const gatewaySchema = z
  .object({ id: z.string().min(1), skip_cache: z.boolean().optional(), cache_ttl: z.number().int().positive().optional() })
  .strict();

export const workersAiLlmAttributes = llmAttributes.extend({
  model: attribute(z.string().min(1), "The Workers AI model, e.g. `@cf/meta/llama-3.1-8b-instruct`."),
  binding: attribute(z.string().min(1).default("AI"), "The name of the Workers AI binding in wrangler.toml."),
  gateway: attribute(gatewaySchema.optional(), "Route calls through an AI Gateway: `{id, skip_cache, cache_ttl}`."),
  ...reliabilityAttributes({ maxRetries: 6, timeout: 120 }),
});

export const workersAiGenerationKwargsSchema = z
  .object({
    max_new_tokens: z.number().int().positive().optional().describe("The maximum number of new tokens (sent as `max_tokens`; the model's default when unset)."),
    temperature: z.number().min(0).max(5).optional().describe("The sampling temperature; higher is more random."),
    top_p: z.number().min(0).max(2).optional().describe("Nucleus sampling: only tokens within this cumulative probability are considered."),
    top_k: z.number().int().positive().optional().describe("Only the k most likely tokens are considered."),
    seed: z.number().int().optional().describe("A seed for sampling."),
    repetition_penalty: z.number().min(0).max(2).optional().describe("Penalty for repeated tokens."),
    frequency_penalty: z.number().min(-2).max(2).optional().describe("Penalises tokens by how often they already appeared."),
    presence_penalty: z.number().min(-2).max(2).optional().describe("Penalises tokens that already appeared at all."),
  })
  .strict();

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

  get modelName(): string {
    return this.attrs.model;
  }

  protected rateLimitKey(): string {
    return `${this.typeName}|workers-ai|${this.attrs.model}`;
  }

  /** A missing binding fails here, before any row. */
  override async load(context: StepContext): Promise<void> {
    workersAIBinding(context, this.attrs.binding, this.describeSelf());
  }

  /** The inputs of one request: a chat as `messages`, a raw string as `prompt`, the sampling kwargs, JSON mode. */
  private requestInputs(
    prompt: ChatType | string,
    structured: StructuredOutput | undefined,
    kwargs: z.infer<typeof workersAiGenerationKwargsSchema>,
  ): Record<string, unknown> {
    const inputs: Record<string, unknown> = typeof prompt === "string" ? { prompt, raw: true } : { messages: prompt };
    const sampling = {
      max_tokens: kwargs.max_new_tokens,
      temperature: kwargs.temperature,
      top_p: kwargs.top_p,
      top_k: kwargs.top_k,
      seed: kwargs.seed,
      repetition_penalty: kwargs.repetition_penalty,
      frequency_penalty: kwargs.frequency_penalty,
      presence_penalty: kwargs.presence_penalty,
      response_format: structured ? jsonMode(structured) : undefined,
    };
    for (const [key, value] of Object.entries(sampling)) if (value !== undefined) inputs[key] = value;
    return inputs;
  }

  async generateOne(input: FormattedInput, options: GenerateOptions): Promise<GenerateOutput> {
    const { input: prompt, structuredOutput } = splitFormattedInput(input);
    const structured = structuredOutput ?? this.structuredOutput;
    const kwargs = workersAiGenerationKwargsSchema.parse(this.generationKwargs);
    const { context, numGenerations } = options;
    const ai = workersAIBinding(context, this.attrs.binding, this.describeSelf());
    const inputs = this.requestInputs(prompt, structured, kwargs);
    const gateway = gatewayOptions(this.attrs.gateway);
    const { results, errors } = await fanOut(numGenerations, async (): Promise<CallResult> => {
      const raw = await this.call(context, { tokens: estimateTokens(prompt) + (kwargs.max_new_tokens ?? 256) }, (attempt) =>
        ai.run(this.attrs.model, inputs, gateway ? { signal: attempt.signal, gateway } : { signal: attempt.signal }),
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
        ai: workersAIBinding(options.context, this.attrs.binding, this.describeSelf()),
        gateway: gatewayOptions(this.attrs.gateway),
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

/** Workers AI JSON mode: the schema itself under `json_schema`. */
function jsonMode(structured: StructuredOutput): Record<string, unknown> {
  if (structured.format === "regex") {
    throw new OptionError("WorkersAILLM takes JSON-schema structured output only, not regex", { field: "structured_output.format", expected: "json" });
  }
  return { type: "json_schema", json_schema: jsonSchemaOf(structured) };
}

/** Native replies (`{response, usage}`; JSON mode may give an object) or OpenAI-style `{choices}` ones. */
export function readWorkersAIReply(raw: unknown): CallResult {
  if (raw && typeof raw === "object" && Array.isArray((raw as { choices?: unknown }).choices)) {
    const parsed = parseOpenAIResponse(raw, "chat");
    const choice = parsed.choices[0];
    return { texts: choice ? [choice.text] : [], inputTokens: parsed.promptTokens, outputTokens: parsed.completionTokens };
  }
  const parsed = nativeResponseSchema.safeParse(raw);
  if (!parsed.success || parsed.data.response === undefined) throw new Error("malformed response: expected `response` from Workers AI");
  const { response, usage } = parsed.data;
  const text = response === null ? null : typeof response === "string" ? response : JSON.stringify(response);
  return { texts: [text], inputTokens: usage?.prompt_tokens ?? undefined, outputTokens: usage?.completion_tokens ?? undefined };
}
