import { z } from "zod";
import type { CallResult } from "../assemble-output.js";

const topLogprobSchema = z.object({ token: z.string(), logprob: z.number() });

export const usageSchema = z
  .object({ prompt_tokens: z.number().nullish(), completion_tokens: z.number().nullish(), total_tokens: z.number().nullish() })
  .nullish();

/** The parts of a chat completion we read; anything else may be there. */
const chatCompletionResponseSchema = z.object({
  choices: z.array(
    z.object({
      message: z.object({ content: z.string().nullish() }).nullish(),
      finish_reason: z.string().nullish(),
      logprobs: z
        .object({ content: z.array(z.object({ token: z.string(), logprob: z.number(), top_logprobs: z.array(topLogprobSchema).nullish() })).nullish() })
        .nullish(),
    }),
  ),
  usage: usageSchema,
});

const completionResponseSchema = z.object({
  choices: z.array(
    z.object({
      text: z.string().nullish(),
      finish_reason: z.string().nullish(),
      logprobs: z
        .object({
          tokens: z.array(z.string()).nullish(),
          token_logprobs: z.array(z.number().nullable()).nullish(),
          top_logprobs: z.array(z.record(z.string(), z.number()).nullable()).nullish(),
        })
        .nullish(),
    }),
  ),
  usage: usageSchema,
});

/** One token's alternatives, distilabel's logprobs shape: `[{token, logprob}, ...]` per output token. */
export type TokenLogprobs = Array<Array<{ token: string; logprob: number }>>;

interface ParsedChoice {
  text: string | null;
  finishReason: string | null;
  logprobs: TokenLogprobs | null;
}

export interface ParsedCompletion {
  choices: ParsedChoice[];
  promptTokens: number | undefined;
  completionTokens: number | undefined;
}

/** Reads a response body, or throws a non-retryable error naming what is missing. */
export function parseOpenAIResponse(body: unknown, kind: "chat" | "completion"): ParsedCompletion {
  if (kind === "chat") {
    const parsed = chatCompletionResponseSchema.safeParse(body);
    if (!parsed.success) throw malformed(parsed.error);
    return {
      choices: parsed.data.choices.map((choice) => ({
        text: choice.message?.content ?? null,
        finishReason: choice.finish_reason ?? null,
        logprobs: choice.logprobs?.content
          ? choice.logprobs.content.map((token) =>
              token.top_logprobs && token.top_logprobs.length > 0 ? token.top_logprobs : [{ token: token.token, logprob: token.logprob }],
            )
          : null,
      })),
      ...usageOf(parsed.data.usage),
    };
  }
  const parsed = completionResponseSchema.safeParse(body);
  if (!parsed.success) throw malformed(parsed.error);
  return {
    choices: parsed.data.choices.map((choice) => ({
      text: choice.text ?? null,
      finishReason: choice.finish_reason ?? null,
      logprobs: completionLogprobs(choice.logprobs),
    })),
    ...usageOf(parsed.data.usage),
  };
}

export function choicesResult(parsed: ParsedCompletion, max: number): CallResult {
  const choices = parsed.choices.slice(0, max);
  return {
    texts: choices.map((c) => c.text),
    inputTokens: parsed.promptTokens,
    outputTokens: parsed.completionTokens,
    logprobs: choices.map((c) => c.logprobs),
  };
}

/** The `usage.total_tokens` of a raw reply, for the rate limiter. */
export function reportedTotalTokens(result: unknown): number | undefined {
  const usage = (result as { usage?: { total_tokens?: unknown } } | null)?.usage;
  return typeof usage?.total_tokens === "number" ? usage.total_tokens : undefined;
}

function completionLogprobs(logprobs: z.infer<typeof completionResponseSchema>["choices"][number]["logprobs"]): TokenLogprobs | null {
  if (!logprobs) return null;
  if (logprobs.top_logprobs) {
    return logprobs.top_logprobs.map((alternatives) => Object.entries(alternatives ?? {}).map(([token, logprob]) => ({ token, logprob })));
  }
  const tokens = logprobs.tokens ?? [];
  return tokens.map((token, i) => [{ token, logprob: logprobs.token_logprobs?.[i] ?? 0 }]);
}

function usageOf(usage: z.infer<typeof usageSchema>): Pick<ParsedCompletion, "promptTokens" | "completionTokens"> {
  return { promptTokens: usage?.prompt_tokens ?? undefined, completionTokens: usage?.completion_tokens ?? undefined };
}

function malformed(error: z.ZodError): Error {
  const issue = error.issues[0];
  return new Error(`malformed response: ${issue ? `${issue.path.map(String).join(".") || "(root)"}: ${issue.message}` : "unexpected shape"}`);
}
