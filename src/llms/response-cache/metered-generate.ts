import type { StepContext } from "../../steps/step-context.js";
import { splitFormattedInput, type FormattedInput, type GenerateOutput, type StructuredOutput } from "../types.js";
import { countUsage } from "../usage/count-usage.js";
import { originOf } from "../../security/secret-policy.js";
import { requestFingerprint } from "./fingerprint.js";
import { ResponseCache } from "./response-cache.js";

/** What the hook needs of an LLM (the base class provides it; kept narrow to avoid an import cycle). */
export interface MeteredLLM {
  readonly typeName: string;
  readonly modelName: string;
  readonly generationKwargs: Record<string, unknown>;
  readonly structuredOutput: StructuredOutput | undefined;
  /** The `cache_responses` attribute: undefined means "when replies are deterministic". */
  readonly cacheResponses: boolean | undefined;
  /** False for LLMs that only combine others (their inner calls are metered and cached themselves). */
  readonly meteredDirectly: boolean;
  egressTargets(services: StepContext["services"]): Array<{ url: string }>;
  generateOne(input: FormattedInput, options: { numGenerations: number; context: StepContext }): Promise<GenerateOutput>;
}

/**
 * Caching is on by default only where a reply is reproducible (temperature 0 or a fixed seed):
 * serving a sampled reply again would silently remove the variety a run asked for.
 */
export function cachesResponses(llm: Pick<MeteredLLM, "cacheResponses" | "generationKwargs">): boolean {
  if (llm.cacheResponses !== undefined) return llm.cacheResponses;
  return llm.generationKwargs.temperature === 0 || (llm.generationKwargs.seed !== undefined && llm.generationKwargs.seed !== null);
}

/**
 * One LLM call as every provider makes it: answered from the response cache when the same
 * request was answered before (no provider call), else sent and, when it succeeded, stored;
 * its tokens are recorded in the step's usage either way. A thrown call is recorded as a request
 * without tokens and never cached.
 */
export async function meteredGenerateOne(
  llm: MeteredLLM,
  input: FormattedInput,
  options: { numGenerations: number; context: StepContext },
): Promise<GenerateOutput> {
  if (!llm.meteredDirectly) return llm.generateOne(input, options);
  const { context } = options;
  const usage = context.usage;
  const { input: prompt, structuredOutput } = splitFormattedInput(input);
  const blobs = context.services.blobs;
  const cache = blobs && cachesResponses(llm) ? new ResponseCache(blobs) : undefined;
  const fingerprint = cache
    ? requestFingerprint({
        provider: llm.typeName,
        origins: llm.egressTargets(context.services).map((target) => originOf(target.url) ?? target.url),
        model: llm.modelName,
        input: prompt,
        generationKwargs: llm.generationKwargs,
        structuredOutput: structuredOutput ?? llm.structuredOutput,
        numGenerations: options.numGenerations,
      })
    : undefined;
  const call = { provider: llm.typeName, model: llm.modelName };
  if (cache && fingerprint) {
    const hit = await cache.get(fingerprint);
    if (hit) {
      usage?.record({ ...call, inputTokens: 0, outputTokens: 0, cached: true });
      return hit;
    }
  }
  let output: GenerateOutput;
  try {
    output = await llm.generateOne(input, options);
  } catch (error) {
    usage?.record({ ...call, inputTokens: 0, outputTokens: 0, cached: false });
    throw error;
  }
  usage?.record({ ...call, ...countUsage(prompt, output), cached: false });
  if (cache && fingerprint && output.error === undefined) {
    // A cache that cannot be written costs a later run a call, never this run its rows.
    await cache.put(fingerprint, { ...call, output }).catch((error: unknown) => {
      context.logger.warn(`Could not store a response in the cache: ${error instanceof Error ? error.message : String(error)}`);
    });
  }
  return output;
}
