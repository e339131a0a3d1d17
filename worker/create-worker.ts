import type { Registry } from "../src/components/registry.js";
import { createApi } from "../src/api/app.js";
import { createDefaultRegistry } from "../src/default-registry.js";
import { errorMessage } from "../src/errors.js";
import type { PipelineCatalog, Schedule } from "../src/runtime/pipeline-catalog.js";
import { setRuntimeRegistry } from "../src/runtime/runtime-registry.js";
import { consumeWork } from "../queues/work-consumer.js";
import { secretPolicyOf } from "../bindings/worker-services.js";
import { CloudflareRunService } from "./cloudflare-run-service.js";

export interface WorkerOptions {
  /** Pipelines runnable by name (`POST /v1/runs {"pipeline": "<name>"}`) and from cron. */
  pipelines?: PipelineCatalog;
  /** Steps, tasks, LLMs and routing functions usable by name; defaults to the built-ins. */
  registry?: Registry;
  /** Cron entries; each expression must also be listed in wrangler.toml `[triggers] crons`. */
  schedules?: Schedule[];
}

const DEAD_LETTER_QUEUE = "distilflare-dead-letters";

/**
 * Builds the Worker's handlers. Re-export the Durable Object classes next to it:
 *
 * @example
 * export { PipelineRun, RunIndex, LlmRateLimiter } from "distilflare/worker";
 * export default createWorker({ pipelines: { quickstart: { build: buildQuickstart } } });
 */
export function createWorker(options: WorkerOptions = {}): ExportedHandler<Env> {
  const registry = options.registry ?? createDefaultRegistry();
  const pipelines = options.pipelines ?? {};
  const schedules = options.schedules ?? [];
  setRuntimeRegistry(registry);
  return {
    async fetch(request, env, ctx) {
      const service = new CloudflareRunService(env, registry, pipelines);
      const app = createApi(service, {
        apiToken: () => env.API_TOKEN,
        allowUnauthenticated: () => env.ALLOW_UNAUTHENTICATED === "true",
        secrets: () => secretPolicyOf(env).secretValues(),
      });
      return app.fetch(request, env, ctx);
    },
    async queue(batch, env) {
      await consumeWork(batch, env, { deadLetter: batch.queue === DEAD_LETTER_QUEUE });
    },
    async scheduled(controller, env) {
      const service = new CloudflareRunService(env, registry, pipelines);
      const due = schedules.filter((s) => s.cron === controller.cron);
      for (const schedule of due) {
        try {
          const result = await service.startRun({
            pipeline: schedule.pipeline,
            parameters: schedule.parameters,
            use_cache: schedule.useCache ?? false,
            dry_run: false,
            accept_failed_rows: false,
          });
          console.log(`cron '${controller.cron}': run ${result.run.id} of '${schedule.pipeline}' (${result.run.status})`);
        } catch (error) {
          console.error(`cron '${controller.cron}': pipeline '${schedule.pipeline}' could not start: ${errorMessage(error)}`);
        }
      }
    },
  };
}
