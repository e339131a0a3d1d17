import { z } from "zod";

/** distilabel's `InferenceEndpointsLLM.agenerate` arguments (chat and text-generation ones). */
export const inferenceEndpointsGenerationKwargsSchema = z
  .object({
    max_new_tokens: z
      .number()
      .int()
      .positive()
      .optional()
      .describe("The maximum number of new tokens the model may generate. Defaults to 128, as in distilabel."),
    frequency_penalty: z.number().min(-2).max(2).optional().describe("Penalises tokens by how often they already appeared."),
    presence_penalty: z.number().min(-2).max(2).optional().describe("Penalises tokens that already appeared at all (chat only)."),
    logprobs: z.boolean().optional().describe("Whether to return the log probabilities of the output tokens (chat only)."),
    top_logprobs: z
      .number()
      .int()
      .min(0)
      .max(20)
      .optional()
      .describe("How many most likely alternatives to return per token when `logprobs` is true (chat only)."),
    seed: z.number().int().optional().describe("A seed for sampling; without one, each of several generations gets a random seed."),
    stop_sequences: z.array(z.string()).optional().describe("Sequences where generation stops."),
    temperature: z.number().min(0).optional().describe("The sampling temperature; higher is more random."),
    top_p: z.number().min(0).max(1).optional().describe("Nucleus sampling: only tokens within this cumulative probability are considered."),
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
