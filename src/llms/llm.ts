import { z } from "zod";
import { OptionError, RuntimeParameterError } from "../errors.js";
import { attribute, runtimeParameter, metaOf, isOptionalSchema } from "../components/attributes.js";
import { Component, type AnyObjectSchema, type ComponentKind, type OptionsArgs, type RuntimeParameterKeyInfo } from "../components/component.js";
import { toSnakeCase } from "../core/naming.js";
import { mapConcurrent, type StepContext } from "../steps/step-context.js";
import { meteredGenerateOne } from "./response-cache/metered-generate.js";
import { emptyOutput, structuredOutputSchema, type FormattedInput, type GenerateOutput } from "./types.js";

/** Limits shared by every consumer calling the same (provider, model) through the limiter. */
export const rateLimitsSchema = z
  .object({
    requests_per_minute: z.number().positive().optional(),
    tokens_per_minute: z.number().positive().optional(),
    max_in_flight: z.number().int().positive().optional(),
  })
  .strict();

/** `rate_limits`, of LLMs and embeddings. */
export const rateLimitsAttribute = runtimeParameter(
  rateLimitsSchema.optional(),
  "Deployment-wide limits for this model: requests_per_minute, tokens_per_minute, max_in_flight.",
  { excludeFromSignature: true },
);

/** Enough calls in flight per batch to match a script running 64 at a time (measured by `npm run bench:runtime`). */
const DEFAULT_MAX_CONCURRENT_REQUESTS = 64;

/** Attributes every LLM has (distilabel's `LLM`), plus our reliability and rate-limit options. */
export const llmAttributes = z.object({
  generationKwargs: runtimeParameter(
    z.record(z.string(), z.unknown()).default({}),
    "The kwargs to be propagated to either `generate` or `agenerate` methods within each `LLM`.",
  ),
  useOfflineBatchGeneration: attribute(z.boolean().default(false), "Whether to use the provider's offline batch API."),
  offlineBatchGenerationBlockUntilDone: attribute(z.number().int().positive().optional(), "Poll interval (seconds) when blocking on an offline batch job.", {
    excludeFromSignature: true,
  }),
  jobsIds: attribute(z.array(z.string()).optional(), "Offline batch job ids.", { excludeFromSignature: true }),
  structuredOutput: attribute(structuredOutputSchema.optional(), "A JSON schema (or regex) every reply must follow."),
  cacheResponses: attribute(
    z.boolean().optional(),
    "Serve a request answered before (by any run) from the response cache; unset, only for temperature 0 or a fixed seed.",
    { excludeFromSignature: true },
  ),
  maxConcurrentRequests: runtimeParameter(
    z.number().int().positive().default(DEFAULT_MAX_CONCURRENT_REQUESTS),
    "How many requests of one batch run at once (streamed replies free their connection slot at the headers, so this may exceed 6 on Workers).",
    { excludeFromSignature: true },
  ),
  rateLimits: rateLimitsAttribute,
});

export interface GenerateOptions {
  numGenerations: number;
  context: StepContext;
}

/** An LLM class, as the registry and generation-kwargs validation see it. */
export interface LLMClass {
  readonly typeName: string;
  /** The generation kwargs the provider accepts; unknown keys fail validation. */
  readonly generationKwargsSchema: AnyObjectSchema;
}

/**
 * A text-generation model. Subclasses implement `generateOne` for a single input; this base
 * runs a batch concurrently (bounded) and turns a failed input into null generations with the
 * error, so one bad call never loses the batch.
 */
export abstract class LLM<S extends AnyObjectSchema = typeof llmAttributes> extends Component<S> {
  static override readonly componentKind: ComponentKind = "llm";
  static override readonly attributes: AnyObjectSchema = llmAttributes;
  static readonly generationKwargsSchema: AnyObjectSchema = z.object({}).strict();

  constructor(...[options]: OptionsArgs<NoInfer<z.input<S>>>) {
    super(options);
    this.validateGenerationKwargs();
    if (this.useOfflineBatchGeneration && !this.supportsOfflineBatchGeneration) {
      // Accepting it and generating online would silently change what the user asked for (and its cost).
      throw new OptionError(
        `${this.describeSelf()}: offline batch generation (a provider batch API) is supported by OpenAILLM and WorkersAILLM only; remove use_offline_batch_generation`,
        { component: this.typeName, field: "use_offline_batch_generation", expected: "false" },
      );
    }
  }

  /** The model name written to every row's `model_name`. */
  abstract get modelName(): string;

  get generationKwargs(): Record<string, unknown> {
    return (this.attrs as { generationKwargs: Record<string, unknown> }).generationKwargs;
  }

  get structuredOutput(): z.infer<typeof structuredOutputSchema> | undefined {
    return (this.attrs as { structuredOutput?: z.infer<typeof structuredOutputSchema> }).structuredOutput;
  }

  set structuredOutput(value: z.infer<typeof structuredOutputSchema> | undefined) {
    (this.attrs as { structuredOutput?: unknown }).structuredOutput = value;
  }

  get cacheResponses(): boolean | undefined {
    return (this.attrs as { cacheResponses?: boolean }).cacheResponses;
  }

  /** Whether this LLM's own calls are metered and cached (false where it only combines other LLMs). */
  get meteredDirectly(): boolean {
    return true;
  }

  get maxConcurrentRequests(): number {
    return (this.attrs as { maxConcurrentRequests: number }).maxConcurrentRequests;
  }

  override describeSelf(): string {
    return `LLM '${this.typeName}'`;
  }

  /** Whether the provider returns several generations per call (OpenAI `n`); else fan out. */
  get supportsNumGenerations(): boolean {
    return false;
  }

  /** Called once per invocation before generating (build clients, resolve secrets). */
  async load(_context: StepContext): Promise<void> {}

  /** Generates for one input; throws on failure (the base turns it into null generations). */
  abstract generateOne(input: FormattedInput, options: GenerateOptions): Promise<GenerateOutput>;

  /** distilabel's `use_offline_batch_generation`: a step batch is one job of the provider's batch API. */
  get useOfflineBatchGeneration(): boolean {
    return (this.attrs as { useOfflineBatchGeneration?: boolean }).useOfflineBatchGeneration === true;
  }

  /** distilabel's `offline_batch_generation_block_until_done`: seconds between polls of a pending job. */
  get offlineBatchPollSeconds(): number | undefined {
    return (this.attrs as { offlineBatchGenerationBlockUntilDone?: number }).offlineBatchGenerationBlockUntilDone;
  }

  /** Whether this LLM can generate through its provider's batch API (`offlineBatchGenerate`). */
  get supportsOfflineBatchGeneration(): boolean {
    return false;
  }

  /**
   * Generates a whole batch through the provider's batch API: throws `OfflineBatchPendingError`
   * until its job has finished, then returns one output per input, in order.
   */
  protected offlineBatchGenerate(_inputs: FormattedInput[], _options: GenerateOptions): Promise<GenerateOutput[]> {
    return Promise.reject(
      new OptionError(`${this.describeSelf()} has no offline batch generation`, { field: "use_offline_batch_generation", expected: "false" }),
    );
  }

  /** Generates for every input, at most `maxConcurrentRequests` at once, in input order. */
  async generate(inputs: FormattedInput[], options: GenerateOptions): Promise<GenerateOutput[]> {
    if (this.useOfflineBatchGeneration) return this.offlineBatchGenerate(inputs, options);
    return mapConcurrent(inputs, this.maxConcurrentRequests, async (input) => {
      try {
        return await meteredGenerateOne(this, input, options);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        options.context.logger.warn(`${this.describeSelf()} failed for one input: ${message}`);
        return emptyOutput(options.numGenerations, message);
      }
    });
  }

  protected override runtimeParameterKeys(attribute: string): RuntimeParameterKeyInfo[] | undefined {
    if (attribute !== "generationKwargs") return undefined;
    const schema = (this.constructor as typeof LLM).generationKwargsSchema;
    return Object.entries(schema.shape).map(([name, field]) => {
      const meta = metaOf(field as z.ZodType);
      const info: RuntimeParameterKeyInfo = { name: toSnakeCase(name), optional: isOptionalSchema(field as z.ZodType) };
      const description = meta.description ?? (field as z.ZodType).description;
      if (description) info.description = description;
      return info;
    });
  }

  override setRuntimeParameters(parameters: Record<string, unknown>, path: string[]): void {
    super.setRuntimeParameters(parameters, path);
    this.validateGenerationKwargs(path);
  }

  /** Unknown or ill-typed generation kwargs are an error before the run, not a 400 mid-run. */
  validateGenerationKwargs(path: string[] = []): void {
    const schema = (this.constructor as typeof LLM).generationKwargsSchema.strict();
    const result = schema.safeParse(this.generationKwargs);
    if (result.success) return;
    const issue = result.error.issues[0];
    const known = Object.keys(schema.shape);
    const key = issue?.code === "unrecognized_keys" ? (issue.keys[0] ?? "") : (issue?.path.map(String).join(".") ?? "");
    const where = [...path, "generation_kwargs", key].filter(Boolean).join(".");
    throw new RuntimeParameterError(
      issue?.code === "unrecognized_keys"
        ? `${this.describeSelf()} does not accept generation kwarg '${key}' (at ${where}); accepted: ${known.join(", ")}`
        : `${this.describeSelf()}: generation kwarg '${key}' is invalid: ${issue?.message ?? "invalid"}`,
      { step: path[0], parameter: where, expected: `one of ${known.join(", ")}` },
    );
  }
}

/** Turns text into vectors (distilabel's `Embeddings`). */
export abstract class Embeddings<S extends AnyObjectSchema = AnyObjectSchema> extends Component<S> {
  static override readonly componentKind: ComponentKind = "embeddings";

  // Public and typed by the schema: the Component constructor it forwards to is protected and takes any object.
  constructor(...[options]: OptionsArgs<NoInfer<z.input<S>>>) {
    super(options);
  }

  abstract get modelName(): string;
  async load(_context: StepContext): Promise<void> {}
  abstract encode(inputs: string[], context: StepContext): Promise<number[][]>;
  override describeSelf(): string {
    return `Embeddings '${this.typeName}'`;
  }
}
