import { z } from "zod";

/** distilabel's default for `max_new_tokens` in its API-backed LLMs. */
export const DEFAULT_MAX_NEW_TOKENS = 128;

// Kwargs several providers accept alike; the bounds that differ by API stay in each schema.
const maxNewTokens = (description: string) => z.number().int().positive().optional().describe(description);
const temperature = (schema: z.ZodNumber) => schema.optional().describe("The sampling temperature; higher is more random.");
const topP = z.number().min(0).max(1).optional().describe("Nucleus sampling: only tokens within this cumulative probability are considered.");
const frequencyPenalty = z.number().min(-2).max(2).optional().describe("Penalises tokens by how often they already appeared.");
const presencePenalty = z.number().min(-2).max(2).optional().describe("Penalises tokens that already appeared at all.");
const topLogprobs = (scope: string) =>
  z.number().int().min(0).max(20).optional().describe(`How many most likely alternatives to return per token when \`logprobs\` is true${scope}.`);

/** The `generation_kwargs` OpenAI-compatible APIs accept (distilabel's `OpenAILLM.agenerate` arguments). */
export const openaiGenerationKwargsSchema = z
  .object({
    max_new_tokens: maxNewTokens("The maximum number of new tokens the model may generate (sent as `max_tokens`). Defaults to 128, as in distilabel."),
    temperature: temperature(z.number().min(0).max(2)),
    top_p: topP,
    frequency_penalty: frequencyPenalty,
    presence_penalty: presencePenalty,
    stop: z
      .union([z.string(), z.array(z.string()).max(4)])
      .optional()
      .describe("Up to 4 sequences where generation stops."),
    logprobs: z.boolean().optional().describe("Whether to return the log probabilities of the output tokens (as the `llm_<step>_logprobs` column)."),
    top_logprobs: topLogprobs(""),
    response_format: z
      .object({ type: z.enum(["text", "json_object", "json_schema"]) })
      .catchall(z.unknown())
      .optional()
      .describe("The response format (`{type: json_object}`...); an LLM's structured_output takes precedence."),
    extra_body: z.record(z.string(), z.unknown()).optional().describe("Extra fields merged into the request body (provider-specific parameters)."),
    seed: z.number().int().optional().describe("A seed for (best-effort) deterministic sampling."),
  })
  .strict();

export type OpenAIGenerationKwargs = z.infer<typeof openaiGenerationKwargsSchema>;

/** distilabel's `InferenceEndpointsLLM.agenerate` arguments (chat and text-generation ones). */
export const inferenceEndpointsGenerationKwargsSchema = z
  .object({
    max_new_tokens: maxNewTokens("The maximum number of new tokens the model may generate. Defaults to 128, as in distilabel."),
    frequency_penalty: frequencyPenalty,
    presence_penalty: z.number().min(-2).max(2).optional().describe("Penalises tokens that already appeared at all (chat only)."),
    logprobs: z.boolean().optional().describe("Whether to return the log probabilities of the output tokens (chat only)."),
    top_logprobs: topLogprobs(" (chat only)"),
    seed: z.number().int().optional().describe("A seed for sampling; without one, each of several generations gets a random seed."),
    stop_sequences: z.array(z.string()).optional().describe("Sequences where generation stops."),
    temperature: temperature(z.number().min(0)),
    top_p: topP,
    top_k: z.number().int().positive().optional().describe("Only the k most likely tokens are considered (text generation only)."),
    typical_p: z.number().min(0).max(1).optional().describe("Typical decoding mass (text generation only)."),
    do_sample: z.boolean().optional().describe("Whether to sample instead of greedy decoding (text generation only)."),
    repetition_penalty: z.number().positive().optional().describe("Penalty for repeated tokens; 1.0 means none (text generation only)."),
    return_full_text: z.boolean().optional().describe("Whether to prepend the prompt to the generated text (text generation only)."),
    watermark: z.boolean().optional().describe("Whether to add a watermark to the output (text generation only)."),
    top_n_tokens: z.number().int().positive().optional().describe("Return the n most likely tokens at each step (text generation only)."),
  })
  .strict();

export type InferenceEndpointsGenerationKwargs = z.infer<typeof inferenceEndpointsGenerationKwargsSchema>;

const topK = z.number().int().positive().optional().describe("Only the k most likely tokens are considered.");

/** distilabel's `AnthropicLLM.agenerate` arguments. */
export const anthropicGenerationKwargsSchema = z
  .object({
    max_new_tokens: maxNewTokens("The maximum number of new tokens (the API's required `max_tokens`). Defaults to 128, as in distilabel."),
    stop_sequences: z.array(z.string()).optional().describe("Custom sequences where generation stops."),
    temperature: temperature(z.number().min(0).max(1)),
    top_p: topP,
    top_k: topK,
  })
  .strict();

/** What Workers AI's text-generation models take. */
export const workersAiGenerationKwargsSchema = z
  .object({
    max_new_tokens: maxNewTokens("The maximum number of new tokens (sent as `max_tokens`; the model's default when unset)."),
    temperature: temperature(z.number().min(0).max(5)),
    top_p: z.number().min(0).max(2).optional().describe("Nucleus sampling: only tokens within this cumulative probability are considered."),
    top_k: topK,
    seed: z.number().int().optional().describe("A seed for sampling."),
    repetition_penalty: z.number().min(0).max(2).optional().describe("Penalty for repeated tokens."),
    frequency_penalty: frequencyPenalty,
    presence_penalty: presencePenalty,
  })
  .strict();

export type WorkersAIGenerationKwargs = z.infer<typeof workersAiGenerationKwargsSchema>;
