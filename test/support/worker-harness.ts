import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { Pipeline } from "../../src/pipeline/pipeline.js";
import { dumpPipeline } from "../../src/pipeline/serialize.js";
import { createWorker, type WorkerOptions } from "../../worker/create-worker.js";

/** A `POST /v1/runs` body; its `pipeline` may be a `Pipeline` object, which goes over the wire dumped. */
export type RunRequest = Record<string, unknown>;

export interface Harness {
  request(path: string, init?: RequestInit): Promise<Response>;
  json<T = Record<string, unknown>>(path: string, init?: RequestInit): Promise<{ status: number; body: T }>;
  /** The body as text (a run's logs, dataset card, pipeline YAML). */
  text(path: string): Promise<string>;
  /** Starts a run through `POST /v1/runs` and answers with the response as it came (the test checks its status). */
  startRun<T = Record<string, unknown>>(request: RunRequest): Promise<{ status: number; body: T & { id: string } }>;
  /** Polls the run's status until it reaches one of `until` (succeeded, failed or stopped by default), and returns that status. */
  waitForRun(id: string, options?: { timeoutMs?: number; until?: string[] }): Promise<Record<string, unknown>>;
  /**
   * Polls the run's status until `step` has sent a batch, so a test can act while that batch is in
   * flight. After `tries` reads it returns anyway: what the test checks next fails if it matters.
   */
  waitForBatchSent(id: string, step: string, options?: { tries?: number; intervalMs?: number }): Promise<void>;
}

/**
 * A Worker built with test options, called in-process inside workerd. Queue messages it sends
 * are delivered to the same script's consumer, so whole runs go DO -> Queue -> consumer -> R2.
 */
export function workerHarness(options: WorkerOptions, overrides: { env?: Partial<Env>; headers?: Record<string, string> } = {}): Harness {
  const worker = createWorker(options);
  const workerEnv = { ...env, ...overrides.env } as Env;
  const request = async (path: string, init?: RequestInit): Promise<Response> => {
    const ctx = createExecutionContext();
    const headers = { ...overrides.headers, ...((init?.headers as Record<string, string> | undefined) ?? {}) };
    const response = await (worker.fetch as NonNullable<typeof worker.fetch>)(
      new Request(`http://distilflare.test${path}`, { ...init, headers }) as never,
      workerEnv,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    return response as unknown as Response;
  };
  const json = async <T>(path: string, init?: RequestInit) => {
    const response = await request(path, init);
    return { status: response.status, body: (await response.json()) as T };
  };
  return {
    request,
    json,
    text: async (path) => (await request(path)).text(),
    startRun: (body) => {
      const pipeline = body.pipeline instanceof Pipeline ? dumpPipeline(body.pipeline) : body.pipeline;
      return json("/v1/runs", postJson({ ...body, pipeline }));
    },
    async waitForRun(id, { timeoutMs = 60_000, until = ["succeeded", "failed", "stopped"] } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { body } = await json<Record<string, unknown>>(`/v1/runs/${id}`);
        if (until.includes(String(body.status))) return body;
        if (Date.now() > deadline) throw new Error(`run ${id} did not reach ${until.join("/")} in ${timeoutMs} ms: ${JSON.stringify(body)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async waitForBatchSent(id, step, { tries = 200, intervalMs = 25 } = {}) {
      for (let i = 0; i < tries; i++) {
        const { body: view } = await json<{ steps: Record<string, { batches_sent: number }> }>(`/v1/runs/${id}`);
        if ((view.steps[step]?.batches_sent ?? 0) > 0) return;
        await new Promise((r) => setTimeout(r, intervalMs));
      }
    },
  };
}

export function postJson(body: unknown): RequestInit {
  return { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}
