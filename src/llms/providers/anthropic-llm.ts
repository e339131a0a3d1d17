import { z } from "zod";
import { attribute, runtimeParameter } from "../../components/attributes.js";
import type { EgressTarget } from "../../security/egress-target.js";
import type { StepContext } from "../../steps/step-context.js";
import { apiKeyAttributes, keyVariable, resolveApiKey } from "../api-key.js";
import { pickDefined } from "../defined-fields.js";
import { assembleOutput, fanOut, type CallResult } from "../assemble-output.js";
import { estimateTokens } from "../chat-text.js";
import { llmAttributes, type GenerateOptions } from "../llm.js";
import { ProviderHttpError } from "../reliability/provider-http-error.js";
import { reliabilityAttributes } from "../reliability/reliability-attributes.js";
import { hostOf, RemoteLLM } from "../remote-llm.js";
import { jsonSchemaOnly, schemaName } from "../structured/json-schema-validator.js";
import { splitFormattedInput, type FormattedInput, type GenerateOutput, type StructuredOutput } from "../types.js";
import { anthropicReplyText, anthropicResponseSchema, toAnthropicMessages } from "./anthropic-messages.js";
import { anthropicGenerationKwargsSchema, DEFAULT_MAX_NEW_TOKENS } from "./generation-kwargs.js";

export const anthropicLlmAttributes = llmAttributes.extend({
  model: attribute(z.string().min(1), "The Anthropic model, e.g. `claude-3-5-haiku-latest`."),
  baseUrl: runtimeParameter(z.url().default("https://api.anthropic.com"), "The base URL of the Anthropic API."),
  ...apiKeyAttributes("ANTHROPIC_API_KEY"),
  anthropicVersion: attribute(z.string().min(1).default("2023-06-01"), "The `anthropic-version` header."),
  ...reliabilityAttributes({ maxRetries: 6, timeout: 600 }),
});

export type AnthropicLLMOptions = z.input<typeof anthropicLlmAttributes>;

/**
 * Anthropic's Messages API over plain `fetch` (distilabel's `AnthropicLLM`). System messages
 * become the `system` prompt; several generations are separate calls; structured output is a
 * forced tool call whose input follows the JSON schema.
 */
export class AnthropicLLM extends RemoteLLM<typeof anthropicLlmAttributes> {
  static override readonly typeName: string = "AnthropicLLM";
  static override readonly generationKwargsSchema = anthropicGenerationKwargsSchema;
  static override readonly attributes = anthropicLlmAttributes;

  override egressTargets(): EgressTarget[] {
    return [{ url: this.attrs.baseUrl, keyVariable: keyVariable(this.attrs), field: "base_url" }];
  }

  protected rateLimitKey(): string {
    return `${this.typeName}|${hostOf(this.attrs.baseUrl)}|${this.attrs.model}`;
  }

  override async load(context: StepContext): Promise<void> {
    this.apiKey(context);
  }

  private apiKey(context: StepContext): string | undefined {
    return resolveApiKey(context, this.attrs, this.describeSelf(), this.attrs.baseUrl);
  }

  private get messagesUrl(): string {
    const base = this.attrs.baseUrl.replace(/\/+$/, "");
    return base.endsWith("/v1") ? `${base}/messages` : `${base}/v1/messages`;
  }

  async generateOne(input: FormattedInput, options: GenerateOptions): Promise<GenerateOutput> {
    const { input: prompt, structuredOutput } = splitFormattedInput(input);
    const structured = structuredOutput ?? this.structuredOutput;
    const kwargs = anthropicGenerationKwargsSchema.parse(this.generationKwargs);
    const { context, numGenerations } = options;
    const apiKey = this.apiKey(context);
    const { system, messages } = toAnthropicMessages(prompt);
    const maxTokens = kwargs.max_new_tokens ?? DEFAULT_MAX_NEW_TOKENS;
    const body: Record<string, unknown> = {
      model: this.attrs.model,
      max_tokens: maxTokens,
      messages,
      system,
      ...pickDefined(kwargs, ["stop_sequences", "temperature", "top_p", "top_k"]),
      ...(structured ? toolFor(structured) : {}),
    };
    const headers: Record<string, string> = { "content-type": "application/json", "anthropic-version": this.attrs.anthropicVersion };
    if (apiKey) headers["x-api-key"] = apiKey;
    const payload = JSON.stringify(body);
    const { results, errors } = await fanOut(numGenerations, async (): Promise<CallResult> => {
      const response = await this.call(
        context,
        { tokens: estimateTokens(prompt) + maxTokens, tokensUsed: (r: z.infer<typeof anthropicResponseSchema>) => usageTotal(r) },
        async (attempt) => {
          const res = await attempt.fetch(this.messagesUrl, { method: "POST", headers, body: payload, signal: attempt.signal });
          if (!res.ok) throw await ProviderHttpError.fromResponse(res);
          const parsed = anthropicResponseSchema.safeParse(await res.json());
          if (!parsed.success) throw new Error(`malformed response: ${parsed.error.issues[0]?.message ?? "unexpected shape"}`);
          return parsed.data;
        },
      );
      return {
        texts: [anthropicReplyText(response)],
        inputTokens: response.usage?.input_tokens ?? undefined,
        outputTokens: response.usage?.output_tokens ?? undefined,
      };
    });
    return assembleOutput(results, { numGenerations, structured, errors });
  }
}

/** Structured output as one tool the model must call; its input is the reply. */
function toolFor(structured: StructuredOutput): Record<string, unknown> {
  const inputSchema = jsonSchemaOnly(structured, "AnthropicLLM takes");
  const name = schemaName(structured);
  return {
    tools: [{ name, description: "Give the answer as this tool's input, following its schema exactly.", input_schema: inputSchema }],
    tool_choice: { type: "tool", name },
  };
}

function usageTotal(response: z.infer<typeof anthropicResponseSchema>): number | undefined {
  const input = response.usage?.input_tokens;
  const output = response.usage?.output_tokens;
  return typeof input === "number" && typeof output === "number" ? input + output : undefined;
}
