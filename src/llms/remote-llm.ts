import type { z } from "zod";
import type { AnyObjectSchema, Component } from "../components/component.js";
import type { RateLimits, StepContext } from "../steps/step-context.js";
import { refuseSerializedApiKey } from "./api-key.js";
import { LLM, type rateLimitsSchema } from "./llm.js";
import type { RetryTiming } from "./reliability/backoff.js";
import { reliableCall, type Attempt } from "./reliability/reliable-call.js";

/** `rate_limits` as written in pipelines (snake_case) to the limiter's camelCase request. */
export function toRateLimits(limits: z.infer<typeof rateLimitsSchema> | undefined): RateLimits {
  return { requestsPerMinute: limits?.requests_per_minute, tokensPerMinute: limits?.tokens_per_minute, maxInFlight: limits?.max_in_flight };
}

/** The host of a base URL, for rate-limit keys (the same model behind two servers has two budgets). */
export function hostOf(url: string | undefined): string {
  if (!url) return "default";
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** The attributes of a component that calls a provider: `max_retries`, `timeout` (see `reliabilityAttributes`), `rate_limits`. */
interface RemoteAttrs {
  maxRetries: number;
  timeout: number;
  rateLimits?: z.infer<typeof rateLimitsSchema> | undefined;
}

/** What the reliability layer reads of a component that calls a provider (an LLM or embeddings). */
export interface RemoteCaller {
  /** How errors and logs name its calls: `OpenAILLM (gpt-4o-mini)`. */
  label: string;
  attrs: RemoteAttrs;
  retryTiming: Partial<RetryTiming> | undefined;
  rateLimitKey: string;
}

/** What the rate limiter reserves for one request, and how to read what it really used. */
export interface CallBudget<T> {
  tokens: number;
  tokensUsed?: ((result: T) => number | undefined) | undefined;
}

/**
 * Runs one provider request with the reliability layer (retries, timeout, connection slots, the
 * deployment-wide rate limiter). `budget` is what the rate limiter reserves; `undefined` for
 * requests that do not count against the model (metadata lookups).
 */
export function remoteCall<T>(
  caller: RemoteCaller,
  context: StepContext,
  budget: CallBudget<T> | undefined,
  run: (attempt: Attempt) => Promise<T>,
): Promise<T> {
  const { attrs } = caller;
  return reliableCall(
    {
      context,
      label: caller.label,
      maxRetries: attrs.maxRetries,
      timeoutMs: attrs.timeout * 1000,
      timing: caller.retryTiming,
      rateLimit: budget ? { key: caller.rateLimitKey, limits: toRateLimits(attrs.rateLimits), tokens: budget.tokens } : undefined,
      tokensUsed: budget?.tokensUsed,
    },
    run,
  );
}

/**
 * An LLM behind a network API: every call goes through `remoteCall`. Subclasses carry
 * `max_retries` and `timeout` attributes (see `reliabilityAttributes`).
 */
export abstract class RemoteLLM<S extends AnyObjectSchema> extends LLM<S> {
  /** Backoff timing, TypeScript only (never serialized); tests shorten it. */
  retryTiming: Partial<RetryTiming> | undefined;

  /** Loading from a serialized pipeline refuses an inline `api_key` (see `refuseSerializedApiKey`). */
  static override fromOptions<C extends Component>(
    this: (new (options: Record<string, unknown>) => C) & { readonly typeName: string },
    options: Record<string, unknown>,
  ): C {
    refuseSerializedApiKey(this.typeName, options);
    return new this(options);
  }

  /** The `model` attribute, which most providers have. */
  get modelName(): string {
    return (this.attrs as { model: string }).model;
  }

  /** The limiter key: provider, endpoint host and model. */
  protected abstract rateLimitKey(): string;

  protected get callLabel(): string {
    return `${this.typeName} (${this.modelName})`;
  }

  protected get timeoutMs(): number {
    return (this.attrs as RemoteAttrs).timeout * 1000;
  }

  protected call<T>(context: StepContext, budget: CallBudget<T> | undefined, run: (attempt: Attempt) => Promise<T>): Promise<T> {
    const caller = { label: this.callLabel, attrs: this.attrs as RemoteAttrs, retryTiming: this.retryTiming, rateLimitKey: this.rateLimitKey() };
    return remoteCall(caller, context, budget, run);
  }
}
