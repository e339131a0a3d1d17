import { z } from "zod";
import { pushResultSchema } from "../src/hub/push-to-hub.js";
import {
  distisetManifestSchema,
  errorResponseSchema,
  pipelineInfoSchema,
  runListSchema,
  runViewSchema,
  startRunResponseSchema,
  validateResponseSchema,
} from "../src/api/schemas.js";
import { CliError, EXIT } from "./exit-codes.js";

export type RunView = z.infer<typeof runViewSchema>;
export type StartRunResponse = z.infer<typeof startRunResponseSchema>;
export type DistisetManifestView = z.infer<typeof distisetManifestSchema>;
const pipelineListSchema = z.object({ pipelines: z.array(pipelineInfoSchema.extend({ default_parameters: z.record(z.string(), z.unknown()).optional() })) });
export type PipelineInfo = z.infer<typeof pipelineListSchema>["pipelines"][number];

/** An error the Worker answered with: its stable `code`, message and HTTP status. */
export class ApiError extends CliError {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`, EXIT.apiError);
    this.name = "ApiError";
  }
}

export interface StartRunOptions {
  pipeline: string | Record<string, unknown>;
  parameters?: Record<string, Record<string, unknown>> | undefined;
  use_cache?: boolean | undefined;
  accept_failed_rows?: boolean | undefined;
  dry_run?: boolean | undefined;
  push_to_hub?: { repo_id: string; private: boolean; token?: string | undefined } | undefined;
  max_cost_usd?: number | undefined;
  max_requests?: number | undefined;
}

/** The v1 API over HTTP, every response checked against the schema the routes answer with. */
export class DistilflareClient {
  constructor(
    readonly baseUrl: string,
    private readonly token?: string,
  ) {}

  private async send(path: string, init: { method?: string; body?: unknown; accept?: string } = {}): Promise<Response> {
    const headers: Record<string, string> = { accept: init.accept ?? "application/json" };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (init.body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method: init.method ?? "GET",
        headers,
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
      throw new CliError(`Cannot reach the Worker at ${this.baseUrl} (${why}); start one with \`distilflare dev\` or pass --url`, EXIT.unreachable);
    }
    if (!response.ok) throw await apiErrorOf(response);
    return response;
  }

  private async json<S extends z.ZodType>(schema: S, path: string, init: { method?: string; body?: unknown } = {}): Promise<z.infer<S>> {
    const response = await this.send(path, init);
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new ApiError(
        response.status,
        "unexpected_response",
        `${init.method ?? "GET"} ${path} answered with something that is not JSON: ${text.slice(0, 120)}`,
      );
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ApiError(
        response.status,
        "unexpected_response",
        `${init.method ?? "GET"} ${path}: '${issue?.path.join(".")}' ${issue?.message ?? "does not match"} (is --url a distilflare Worker of this version?)`,
      );
    }
    return parsed.data;
  }

  startRun(options: StartRunOptions): Promise<StartRunResponse> {
    return this.json(startRunResponseSchema, "/v1/runs", { method: "POST", body: options });
  }

  getRun(id: string): Promise<RunView> {
    return this.json(runViewSchema, `/v1/runs/${encodeURIComponent(id)}`);
  }

  listRuns(limit?: number): Promise<z.infer<typeof runListSchema>> {
    return this.json(runListSchema, `/v1/runs${limit ? `?limit=${limit}` : ""}`);
  }

  stopRun(id: string): Promise<RunView> {
    return this.json(runViewSchema, `/v1/runs/${encodeURIComponent(id)}/stop`, { method: "POST", body: {} });
  }

  /** `budget`: new limits for the resumed run (fields left out keep the run's). */
  resumeRun(id: string, budget: { max_cost_usd?: number | undefined; max_requests?: number | undefined } = {}): Promise<RunView> {
    return this.json(runViewSchema, `/v1/runs/${encodeURIComponent(id)}/resume`, { method: "POST", body: budget });
  }

  async logs(id: string): Promise<string> {
    return (await this.send(`/v1/runs/${encodeURIComponent(id)}/logs`, { accept: "text/plain" })).text();
  }

  async text(path: string): Promise<string> {
    return (await this.send(path, { accept: "*/*" })).text();
  }

  async bytes(path: string): Promise<Uint8Array> {
    return new Uint8Array(await (await this.send(path, { accept: "*/*" })).arrayBuffer());
  }

  distiset(id: string): Promise<DistisetManifestView> {
    return this.json(distisetManifestSchema, `/v1/runs/${encodeURIComponent(id)}/distiset`);
  }

  async pipelines(): Promise<PipelineInfo[]> {
    return (await this.json(pipelineListSchema, "/v1/pipelines")).pipelines;
  }

  validate(body: {
    pipeline: string | Record<string, unknown>;
    parameters?: Record<string, Record<string, unknown>> | undefined;
    sample_row?: Record<string, unknown> | undefined;
  }) {
    return this.json(validateResponseSchema, "/v1/pipelines/validate", { method: "POST", body });
  }

  pushToHub(
    id: string,
    body: { repo_id: string; private: boolean; token?: string | undefined; commit_message?: string | undefined },
  ): Promise<z.infer<typeof pushResultSchema>> {
    return this.json(pushResultSchema, `/v1/runs/${encodeURIComponent(id)}/push_to_hub`, { method: "POST", body });
  }
}

async function apiErrorOf(response: Response): Promise<ApiError> {
  const text = await response.text();
  try {
    const parsed = errorResponseSchema.safeParse(JSON.parse(text));
    if (parsed.success) return new ApiError(response.status, parsed.data.error.code, parsed.data.error.message);
  } catch {
    // not JSON: report the status and the start of the body
  }
  return new ApiError(response.status, `http_${response.status}`, text.trim().slice(0, 200) || response.statusText);
}
