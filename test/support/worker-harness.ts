import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { createWorker, type WorkerOptions } from "../../worker/create-worker.js";

export interface Harness {
  request(path: string, init?: RequestInit): Promise<Response>;
  json<T = Record<string, unknown>>(path: string, init?: RequestInit): Promise<{ status: number; body: T }>;
  waitForRun(id: string, options?: { timeoutMs?: number; until?: string[] }): Promise<Record<string, unknown>>;
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
    async waitForRun(id, { timeoutMs = 60_000, until = ["succeeded", "failed", "stopped"] } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { body } = await json<Record<string, unknown>>(`/v1/runs/${id}`);
        if (until.includes(String(body.status))) return body;
        if (Date.now() > deadline) throw new Error(`run ${id} did not reach ${until.join("/")} in ${timeoutMs} ms: ${JSON.stringify(body)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}

export function postJson(body: unknown): RequestInit {
  return { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}
