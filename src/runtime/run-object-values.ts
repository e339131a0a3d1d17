import { z } from "zod";
import { pendingOutputSchema } from "../engine/run-state.js";
import { runMetaSchema } from "../engine/run-view.js";
import { DistilflareError } from "../errors.js";
import { pushToHubStatusSchema } from "../hub/scheduled-push.js";

/**
 * The run object's own stored values beside the engine state rows (`src/engine/run-state-rows.ts`):
 * each kind has one zod schema, and each value is stored as `{version, value}`, so a value written by
 * another layout fails loudly on read instead of being taken by cast. Layout 0 is the bare value
 * earlier builds wrote (meta, outboxes, step outputs), still read.
 */
export const RUN_VALUES_VERSION = 1;

export const runValueSchemas = {
  /** The run's name, signature, cache key and timestamps. */
  meta: runMetaSchema,
  /** An outbox: the ids of the work one transition dispatched, until they are sent. */
  outbox: z.array(z.string()),
  /** The requested Hub push and its outcome. */
  push: pushToHubStatusSchema,
  /** The Hub token of the push, kept apart so it never reaches the status, the log or R2. */
  push_token: z.string(),
  /** One output batch a step produced, for a later run that reuses the step. */
  step_output: pendingOutputSchema,
};

export type RunValueKind = keyof typeof runValueSchemas;
export type RunValue<K extends RunValueKind> = z.infer<(typeof runValueSchemas)[K]>;
/** The same schemas typed per kind, so a decoded value has its kind's type without a cast. */
const schemaOf: { [K in RunValueKind]: z.ZodType<RunValue<K>> } = runValueSchemas;

/** Typed by its kind: written values are not parsed again (that would cost every commit). */
export function encodeRunValue<K extends RunValueKind>(_kind: K, value: RunValue<K>): string {
  return JSON.stringify({ version: RUN_VALUES_VERSION, value });
}

export function decodeRunValue<K extends RunValueKind>(kind: K, json: string): RunValue<K> {
  const parsed: unknown = JSON.parse(json);
  const envelope = z.object({ version: z.number(), value: z.unknown() }).strict().safeParse(parsed);
  // Layout 0 (earlier builds) stored the bare value, which the same schema reads.
  const [version, stored] = envelope.success ? [envelope.data.version, envelope.data.value] : [0, parsed];
  if (version !== RUN_VALUES_VERSION && version !== 0) {
    throw new DistilflareError("storage_failed", `Stored ${kind} is in layout version ${version}, not ${RUN_VALUES_VERSION}`);
  }
  const value = schemaOf[kind].safeParse(stored);
  if (!value.success) throw new DistilflareError("storage_failed", `Stored ${kind} does not match its schema: ${value.error.issues[0]?.message ?? "invalid"}`);
  return value.data;
}
