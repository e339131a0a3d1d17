import { z } from "zod";
import { REPO_ID_PATTERN } from "../hub/hub-client.js";
import { LIMITS } from "../security/limits.js";
import { runViewSchema as engineRunViewSchema } from "../engine/run-view.js";
import { pushToHubStatusSchema } from "../hub/scheduled-push.js";

/** `GET /v1/runs/{id}`: the engine's view plus the push to the Hub, when one was asked for. */
export const runViewSchema = engineRunViewSchema.extend({ push_to_hub: pushToHubStatusSchema.optional() });
import { distisetManifestSchema } from "../distiset/manifest.js";

const maxCostUsdSchema = z
  .number()
  .positive()
  .describe(
    "Stop the run (status `stopped`, `stop.reason` `budget`) before a batch that would take its LLM cost past this many USD (prices: LLM_PRICES over the built-in table). Every LLM of the pipeline needs a known price.",
  );
const maxRequestsSchema = z
  .number()
  .int()
  .positive()
  .describe(
    "Stop the run (status `stopped`, `stop.reason` `budget`) before a batch that would take its LLM requests (provider calls; cache hits are free) past this number.",
  );

const parametersSchema = z
  .record(z.string(), z.record(z.string(), z.unknown()))
  .describe("Runtime parameters per step, nested as in distilabel's `pipeline.run(parameters=...)`.");

export const pushToHubOptionsSchema = z
  .object({
    repo_id: z.string().regex(REPO_ID_PATTERN, "a Hub repository id such as 'user/dataset'"),
    private: z.boolean().default(false),
    token: z.string().min(1).optional().describe("A Hub token; defaults to the HF_TOKEN secret."),
    commit_message: z.string().optional(),
  })
  .strict();
export type PushToHubOptions = z.infer<typeof pushToHubOptionsSchema>;

/** `POST /v1/runs` JSON body. */
export const startRunBodySchema = z
  .object({
    pipeline: z
      .union([z.string().min(1), z.record(z.string(), z.unknown())])
      .describe("The name of a registered pipeline, or a serialized pipeline (distilabel's pipeline.yaml shape, as JSON)."),
    parameters: parametersSchema.optional(),
    use_cache: z
      .boolean()
      .default(true)
      .describe(
        "Re-serve a finished run with the same signature, resume an unfinished one; otherwise reuse the stored outputs of every step whose signature (its configuration and its ancestors') is unchanged, from any earlier run, and compute only the rest. Outputs with failed rows are never reused (they are computed again) unless accept_failed_rows is set; a step whose use_cache is false is computed again with everything downstream of it.",
      ),
    accept_failed_rows: z.boolean().default(false).describe("Let use_cache reuse a run, or a step's outputs, in which some rows failed (imputed as null)."),
    dry_run: z.boolean().default(false).describe("One batch of batch_size 1 from every generator through the whole DAG; never cached."),
    fuse_steps: z
      .boolean()
      .optional()
      .describe(
        "Run a step's batch in the invocation that produced its input where their batches line up (default true); false sends every batch through the queue.",
      ),
    dataset: z.array(z.record(z.string(), z.unknown())).optional().describe("Rows fed to the steps that have no generator."),
    dataset_batch_size: z.number().int().positive().max(LIMITS.batchSize).optional(),
    load_groups: z.union([z.array(z.array(z.string())), z.literal("sequential_step_execution")]).optional(),
    push_to_hub: pushToHubOptionsSchema.optional().describe("Push the Distiset to the Hugging Face Hub when the run succeeds."),
    max_cost_usd: maxCostUsdSchema.optional(),
    max_requests: maxRequestsSchema.optional(),
  })
  .strict();
export type StartRunBody = z.infer<typeof startRunBodySchema>;

/** The run request as the service sees it, whatever the body's format. */
export interface StartRunRequest extends Omit<StartRunBody, "pipeline"> {
  pipeline: string | Record<string, unknown>;
}

/** `POST /v1/runs/{id}/resume` body (optional): a new budget; a field left out keeps the run's, null lifts it. */
export const resumeRunBodySchema = z
  .object({ max_cost_usd: maxCostUsdSchema.nullable().optional(), max_requests: maxRequestsSchema.nullable().optional() })
  .strict();
export type ResumeRunBody = z.infer<typeof resumeRunBodySchema>;

export const validateBodySchema = z
  .object({
    pipeline: z.union([z.string().min(1), z.record(z.string(), z.unknown())]),
    parameters: parametersSchema.optional(),
    load_groups: z.union([z.array(z.array(z.string())), z.literal("sequential_step_execution")]).optional(),
    sample_row: z
      .record(z.string(), z.unknown())
      .optional()
      .describe("A row to render every task's prompt for (distilabel's `task.print()`), returned as `prompts`."),
  })
  .strict();

export const errorResponseSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() }),
});

export const runLinksSchema = z.object({
  self: z.string(),
  distiset: z.string(),
  logs: z.string(),
  pipeline: z.string(),
  stop: z.string(),
  resume: z.string(),
});

export const startRunResponseSchema = z.object({
  id: z.string(),
  status: z.string(),
  signature: z.string(),
  cached: z.boolean(),
  links: runLinksSchema,
  run: runViewSchema,
});

/** A run as `GET /v1/runs` lists it. */
export const runSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  signature: z.string(),
  status: z.string(),
  dry_run: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type RunSummaryView = z.infer<typeof runSummarySchema>;

export const runListSchema = z.object({ runs: z.array(runSummarySchema), next_cursor: z.string().nullable() });

export const listQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(200).default(20), cursor: z.string().optional() });

export const rowsQuerySchema = z.object({
  config: z.string().default("default"),
  split: z.string().default("train"),
  offset: z.coerce.number().int().min(0).default(0),
  length: z.coerce.number().int().min(1).max(1000).default(100),
});

export const rowsResponseSchema = z.object({
  config: z.string(),
  split: z.string(),
  offset: z.number().int(),
  length: z.number().int(),
  num_rows: z.number().int(),
  rows: z.array(z.record(z.string(), z.unknown())),
});

export const pipelineInfoSchema = z.object({
  name: z.string(),
  description: z.string().nullable(),
  steps: z.array(z.object({ name: z.string(), type: z.string(), runtime_parameters_info: z.array(z.unknown()) })),
  connections: z.array(z.object({ from: z.string(), to: z.array(z.string()) })),
  default_parameters: parametersSchema,
});

export const validateResponseSchema = z.object({
  valid: z.literal(true),
  name: z.string(),
  signature: z.string(),
  stages: z.array(z.array(z.string())),
  steps: z.array(z.object({ name: z.string(), type: z.string(), inputs: z.record(z.string(), z.boolean()), outputs: z.array(z.string()) })),
  /** With `sample_row`: each task's rendered prompt, or why it could not be rendered for that row. */
  prompts: z.record(z.string(), z.object({ prompt: z.string().optional(), error: z.string().optional() })).optional(),
});

export { distisetManifestSchema };
