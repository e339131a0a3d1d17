import type { Registry } from "../src/components/registry.js";
import { DistilflareError, NotFoundError } from "../src/errors.js";
import type { RunView } from "../src/engine/run-view.js";
import type { RunService, RunSummaryView, StartRunResult } from "../src/api/run-service.js";
import type { PushToHubOptions, StartRunRequest } from "../src/api/schemas.js";
import { HubClient } from "../src/hub/hub-client.js";
import { pushDistisetToHub, type PushResult } from "../src/hub/push-to-hub.js";
import type { PipelineCatalog } from "../src/runtime/pipeline-catalog.js";
import { prepareRun } from "../src/runtime/prepare-run.js";
import { mergeParameters, resolvePipeline } from "../src/runtime/resolve-pipeline.js";
import { runKeys } from "../src/runtime/run-keys.js";
import { resolveStepReuse, type StepOutputsLookup } from "../src/runtime/step-reuse-lookup.js";
import { storedOutputsSchema } from "../src/engine/step-reuse.js";
import { BufferLogger, type StepServices } from "../src/steps/step-context.js";
import { unwrap, type RpcResult } from "../durable-objects/rpc-result.js";
import { MAX_STORED_VALUE_BYTES } from "../durable-objects/run-storage.js";
import type { PipelineRun } from "../durable-objects/pipeline-run.js";
import type { RunIndex } from "../durable-objects/run-index.js";
import { workerServices } from "../bindings/worker-services.js";
import { R2BlobStore } from "../bindings/r2-blob-store.js";
import type { RunBudget } from "../src/engine/run-budget.js";
import { ownerPrices } from "../src/llms/pricing/price-table.js";
import { assertBudgetPriced, runBudget } from "../src/runtime/run-budget-options.js";

/** Time-sortable run ids: newest ids sort last, and they are safe in keys and URLs. */
export function newRunId(now = Date.now()): string {
  const random = crypto.getRandomValues(new Uint8Array(6));
  return `${now.toString(36).padStart(9, "0")}-${[...random].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** The Workers implementation of the API's RunService: a Durable Object per run, R2 for data. */
export class CloudflareRunService implements RunService {
  readonly store: R2BlobStore;

  constructor(
    private readonly env: Env,
    readonly registry: Registry,
    readonly pipelines: PipelineCatalog,
  ) {
    this.store = new R2BlobStore(env.DATA);
  }

  services(): StepServices {
    return workerServices(this.env);
  }

  private run(id: string): DurableObjectStub<PipelineRun> {
    return this.env.PIPELINE_RUN.get(this.env.PIPELINE_RUN.idFromName(id));
  }

  private index(): DurableObjectStub<RunIndex> {
    return this.env.RUN_INDEX.get(this.env.RUN_INDEX.idFromName("index")) as DurableObjectStub<RunIndex>;
  }

  async startRun(request: StartRunRequest): Promise<StartRunResult> {
    const { pipeline, parameters, budget: budgetDefaults } = resolvePipeline(request.pipeline, this.pipelines, this.registry);
    if (request.push_to_hub) this.requirePushToken(request.push_to_hub.token, "push_to_hub.token");
    const budget = runBudget(budgetDefaults, request);
    assertBudgetPriced(pipeline, budget, ownerPrices(this.env as unknown as Record<string, unknown>));
    const runId = newRunId();
    const logger = new BufferLogger("");
    const prepared = await prepareRun(
      pipeline,
      {
        parameters: mergeParameters(parameters, request.parameters),
        useCache: request.use_cache,
        dryRun: request.dry_run,
        dataset: request.dataset,
        datasetBatchSize: request.dataset_batch_size,
        loadGroups: request.load_groups,
        fuseSteps: request.fuse_steps,
      },
      { runId, stepName: "", seqNo: 0, logger, services: this.services() },
      runId,
    );
    if (request.use_cache && !request.dry_run && prepared.cacheable) {
      const existing = unwrap(await this.index().findByCacheKey(prepared.cacheKey, { acceptFailedRows: request.accept_failed_rows }));
      if (existing) {
        if (request.push_to_hub) unwrap(await this.run(existing.id).requestPush(request.push_to_hub));
        if (existing.status === "succeeded") return { status: 200, run: await this.getRun(existing.id), cached: true };
        // The request's budget replaces the stored one, so a run stopped at its budget goes on with a higher one.
        const resume = {
          budget: {
            ...(request.max_cost_usd !== undefined ? { max_cost_usd: request.max_cost_usd } : {}),
            ...(request.max_requests !== undefined ? { max_requests: request.max_requests } : {}),
          },
        };
        const run = existing.status === "stopped" || existing.status === "failed" ? await this.resumeRun(existing.id, resume) : await this.getRun(existing.id);
        return { status: 202, run, cached: true };
      }
    }
    const { plan, reused } =
      request.use_cache && !request.dry_run
        ? await resolveStepReuse(prepared.plan, { useCache: prepared.stepUseCache, acceptFailedRows: request.accept_failed_rows }, this.stepOutputs())
        : { plan: prepared.plan, reused: {} };
    const planBytes = JSON.stringify(plan).length;
    if (planBytes > MAX_STORED_VALUE_BYTES) {
      throw new DistilflareError(
        "payload_too_large",
        `The pipeline's run plan takes ${planBytes} bytes; a run's plan is stored as one value of at most ${MAX_STORED_VALUE_BYTES} bytes (fewer steps or shorter names fit)`,
        { field: "pipeline", bytes: planBytes, limit: MAX_STORED_VALUE_BYTES },
      );
    }
    await this.store.put(runKeys.pipelineJson(runId), prepared.pipelineJson, { contentType: "application/json" });
    await this.store.put(runKeys.pipelineYaml(runId), prepared.pipelineYaml, { contentType: "application/yaml" });
    const now = new Date().toISOString();
    const view = unwrap(
      await this.run(runId).create({
        meta: {
          id: runId,
          name: pipeline.name,
          description: pipeline.description ?? null,
          signature: prepared.signature,
          cache_key: prepared.cacheKey,
          created_at: now,
          updated_at: now,
          use_cache: request.use_cache,
          dry_run: request.dry_run,
        },
        plan,
        reused,
        push_to_hub: request.push_to_hub,
        budget,
      }),
    );
    return { status: 202, run: view, cached: false };
  }

  /** Step outputs of earlier runs: found in the run index, read from the run that stored them. */
  private stepOutputs(): StepOutputsLookup {
    return {
      find: async (signatures) => unwrap(await this.index().findStepOutputs(signatures)),
      outputs: async (source) => {
        const result = await this.run(source.run_id).stepOutputs({ step: source.step });
        return result.ok ? storedOutputsSchema.parse(result.value) : [];
      },
      forget: async (source) => {
        unwrap(await this.index().forgetStepOutputs({ signature: source.signature, run_id: source.run_id }));
      },
    };
  }

  async listRuns(options: { limit: number; cursor?: string | undefined }): Promise<{ runs: RunSummaryView[]; next_cursor: string | null }> {
    const page = unwrap(await this.index().list({ limit: options.limit, before: options.cursor }));
    return { runs: page.runs.map(({ cache_key: _key, ...run }) => run), next_cursor: page.next_cursor };
  }

  async getRun(id: string): Promise<RunView> {
    await this.requireKnown(id);
    return this.orNotFound(id, unwrapRun(await this.run(id).status()));
  }

  async stopRun(id: string): Promise<RunView> {
    await this.requireKnown(id);
    return this.orNotFound(id, unwrapRun(await this.run(id).stop()));
  }

  async resumeRun(id: string, options: { budget?: Partial<RunBudget> | undefined } = {}): Promise<RunView> {
    await this.requireKnown(id);
    return this.orNotFound(id, unwrapRun(await this.run(id).resume({ budget: options.budget })));
  }

  async logs(id: string): Promise<string> {
    await this.requireKnown(id);
    const result = await this.run(id).logs();
    if (!result.ok && result.error.code === "not_found") throw new NotFoundError(`Run '${id}' not found`, { run_id: id });
    return unwrap(result);
  }

  /** Pushes in this request; a run that has not succeeded has no Distiset to push. */
  async pushToHub(id: string, options: PushToHubOptions): Promise<PushResult> {
    this.requirePushToken(options.token, "token");
    const run = await this.getRun(id);
    if (run.status !== "succeeded") {
      throw new DistilflareError("conflict", `Run '${id}' is ${run.status}; only a run that succeeded can be pushed to the Hub`, {
        run_id: id,
        status: run.status,
      });
    }
    return pushDistisetToHub({
      store: this.store,
      runId: id,
      target: {
        repoId: options.repo_id,
        private: options.private,
        client: HubClient.fromServices(this.services(), { token: options.token }),
        commitMessage: options.commit_message,
      },
    });
  }

  private requirePushToken(token: string | undefined, field: string): void {
    if (token || this.services().secret("HF_TOKEN")) return;
    throw new DistilflareError("invalid_request", `Pushing to the Hub needs a token with write access: pass ${field} or set the HF_TOKEN secret`, { field });
  }

  /**
   * A run id the index has never seen is answered 404 here: calling its Durable Object would
   * create one (and its storage) for any id a caller makes up.
   */
  private async requireKnown(id: string): Promise<void> {
    if (!unwrap(await this.index().has(id))) throw new NotFoundError(`Run '${id}' not found`, { run_id: id });
  }

  private orNotFound(id: string, view: RunView | undefined): RunView {
    if (!view) throw new NotFoundError(`Run '${id}' not found`, { run_id: id });
    return view;
  }
}

/** Keeps the run object's error code (a stop of a finished run is a `conflict`, not a 500). */
function unwrapRun(result: RpcResult<RunView>): RunView | undefined {
  if (!result.ok && result.error.code === "not_found") return undefined;
  return unwrap(result);
}
