import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { NotFoundError } from "../../errors.js";
import { errorResponses } from "../openapi.js";
import { DASHBOARD_ASSETS } from "./assets/index.js";
import { PAGE_SECURITY_HEADERS } from "./page-headers.js";
import { PAGE_HTML } from "./page-html.js";

const apiIndexSchema = z.object({
  name: z.string(),
  description: z.string(),
  openapi: z.string(),
  runs: z.string(),
  pipelines: z.string(),
  dashboard: z.string(),
});

const rootRoute = createRoute({
  method: "get",
  path: "/",
  summary: "The runs page for browsers (Accept: text/html), an index of the API otherwise",
  responses: {
    200: {
      description: "The page, or the index",
      content: { "text/html": { schema: z.string() }, "application/json": { schema: apiIndexSchema.openapi("ApiIndex") } },
    },
  },
});

const assetRoute = createRoute({
  method: "get",
  path: "/dashboard/{file}",
  summary: "A module or the stylesheet of the runs page",
  request: { params: z.object({ file: z.string().openapi({ example: "app.js" }) }) },
  responses: {
    200: { description: "The file", content: { "text/javascript": { schema: z.string() }, "text/css": { schema: z.string() } } },
    ...errorResponses(404),
  },
});

/** The runs page at `/` and its files, public like `/openapi.json`: the page asks for the token itself. */
export function registerDashboardRoutes(app: OpenAPIHono): void {
  app.openapi(rootRoute, (c) => {
    if (!(c.req.header("accept") ?? "").includes("text/html")) {
      return c.json(
        {
          name: "distilflare",
          description: "distilabel pipelines on Cloudflare Workers",
          openapi: "/openapi.json",
          runs: "/v1/runs",
          pipelines: "/v1/pipelines",
          dashboard: "GET / with Accept: text/html",
        },
        200,
      );
    }
    return c.html(PAGE_HTML, 200, { ...PAGE_SECURITY_HEADERS, "cache-control": "no-store" });
  });

  app.openapi(assetRoute, (c) => {
    const file = c.req.valid("param").file;
    const asset = Object.hasOwn(DASHBOARD_ASSETS, file) ? DASHBOARD_ASSETS[file] : undefined;
    if (!asset) throw new NotFoundError(`No page file '${file}'`, { field: "file", expected: Object.keys(DASHBOARD_ASSETS).join(", ") });
    return c.body(asset.body, 200, { ...PAGE_SECURITY_HEADERS, "content-type": asset.type, "cache-control": "no-cache" });
  });
}
