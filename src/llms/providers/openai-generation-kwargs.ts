import { z } from "zod";

/** The `generation_kwargs` OpenAI-compatible APIs accept (distilabel's `OpenAILLM.agenerate` arguments). */
export const openaiGenerationKwargsSchema = z
  .object({
    max_new_tokens: z
      .number()
      .int()
      .positive()
      .optional()
      .describe("The maximum number of new tokens the model may generate (sent as `max_tokens`). Defaults to 128, as in distilabel."),
    temperature: z.number().min(0).max(2).optional().describe("The sampling temperature; higher is more random."),
    top_p: z.number().min(0).max(1).optional().describe("Nucleus sampling: only tokens within this cumulative probability are considered."),
    frequency_penalty: z.number().min(-2).max(2).optional().describe("Penalises tokens by how often they already appeared."),
    presence_penalty: z.number().min(-2).max(2).optional().describe("Penalises tokens that already appeared at all."),
    stop: z
      .union([z.string(), z.array(z.string()).max(4)])
      .optional()
      .describe("Up to 4 sequences where generation stops."),
    logprobs: z.boolean().optional().describe("Whether to return the log probabilities of the output tokens (as the `llm_<step>_logprobs` column)."),
    top_logprobs: z.number().int().min(0).max(20).optional().describe("How many most likely alternatives to return per token when `logprobs` is true."),
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

/** distilabel's default for `max_new_tokens` in its API-backed LLMs. */
export const DEFAULT_MAX_NEW_TOKENS = 128;
