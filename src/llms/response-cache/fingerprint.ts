import { sha256, stableStringify } from "../../core/hash.js";
import type { ChatType, StructuredOutput } from "../types.js";

export interface RequestIdentity {
  /** The LLM's type name (OpenAILLM, AnthropicLLM...). */
  provider: string;
  /** Where the request goes (base URL origins); the same model behind two servers answers differently. */
  origins: string[];
  model: string;
  input: ChatType | string;
  generationKwargs: Record<string, unknown>;
  structuredOutput: StructuredOutput | undefined;
  numGenerations: number;
}

/** The SHA-256 of everything that decides a response; equal requests of any run or pipeline share it. */
export function requestFingerprint(request: RequestIdentity): string {
  return sha256(
    stableStringify({
      v: 1,
      provider: request.provider,
      origins: [...request.origins].sort(),
      model: request.model,
      input: request.input,
      generation_kwargs: request.generationKwargs,
      structured_output: request.structuredOutput ?? null,
      num_generations: request.numGenerations,
    }),
  );
}
