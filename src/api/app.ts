import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { DistilflareError, toDistilflareError } from "../errors.js";
import { bearerAuth } from "./auth.js";
import { redactDeep } from "../security/redact.js";
import { requireKnownMediaType } from "./media-type.js";
import { DASHBOARD_HTML } from "./dashboard-page.js";
import { ERROR_STATUS } from "./error-status.js";
import { openApiDocument } from "./openapi.js";
import { registerPipelineRoutes } from "./pipeline-routes.js";
import { registerCacheRoutes } from "./cache-routes.js";
import { registerRunRoutes } from "./run-routes.js";
import type { RunService } from "./run-service.js";

export interface ApiOptions {
  /** The bearer token `/v1` requires; without one `/v1` answers 401 unless `allowUnauthenticated`. */
  apiToken?: () => string | undefined;
  /** The owner's `ALLOW_UNAUTHENTICATED = "true"`: `/v1` open without a token (local development only). */
  allowUnauthenticated?: () => boolean;
  /** Secret values to take out of every error message the API returns or logs. */
  secrets?: () => ReadonlyArray<{ name: string; value: string }>;
  /** Largest accepted request body (default 10 MB). */
  maxBodyBytes?: number;
}

/** The shape of every error response: `{ error: { code, message, details? } }`. */
export function errorResponse(c: Context, error: unknown, secrets: ReadonlyArray<{ name: string; value: string }> = []): Response {
  const failure = toDistilflareError(error);
  const body = redactDeep(failure.toJSON(), secrets);
  if (ERROR_STATUS[failure.code] >= 500) console.error(`${c.req.method} ${c.req.path}: ${body.message}`);
  return c.json({ error: body }, ERROR_STATUS[failure.code] as 400);
}

/**
 * The v1 HTTP API (DESIGN.md section 5) over a `RunService`.
 *
 * @example
 * export default { fetch: createApi(service, { apiToken: () => env.API_TOKEN }).fetch };
 */
export function createApi(service: RunService, options: ApiOptions = {}): Hono {
  const app = new Hono();
  const maxBytes = options.maxBodyBytes ?? 10 * 1024 * 1024;
  app.onError((error, c) => errorResponse(c, error, options.secrets?.() ?? []));
  app.notFound((c) => errorResponse(c, new DistilflareError("not_found", `No route for ${c.req.method} ${c.req.path}`)));
  app.get("/", (c) =>
    (c.req.header("accept") ?? "").includes("text/html")
      ? c.html(DASHBOARD_HTML)
      : c.json({
      name: "distilflare",
      description: "distilabel pipelines on Cloudflare Workers",
      openapi: "/openapi.json",
      runs: "/v1/runs",
      pipelines: "/v1/pipelines",
      dashboard: "GET / with Accept: text/html",
    }),
  );
  app.get("/openapi.json", (c) => c.json(openApiDocument()));
  app.use("/v1/*", bearerAuth({ token: options.apiToken ?? (() => undefined), allowUnauthenticated: options.allowUnauthenticated ?? (() => false) }));
  app.use("/v1/*", requireKnownMediaType());
  app.use(
    "/v1/*",
    bodyLimit({
      maxSize: maxBytes,
      onError: () => {
        throw new DistilflareError("payload_too_large", `The request body is larger than ${maxBytes} bytes`, { field: "(body)", expected: `at most ${maxBytes} bytes` });
      },
    }),
  );
  registerRunRoutes(app, service);
  registerPipelineRoutes(app, service);
  registerCacheRoutes(app, service.store);
  return app;
}
