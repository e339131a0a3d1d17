import { z } from "zod";
import { OptionError } from "../errors.js";
import type { StepServices } from "../steps/step-context.js";
import { DEFAULT_HTTP_TIMEOUT_MS, httpFileSize, type HttpRequester } from "../data-files/http-file.js";
import { HubError, hubErrorFromResponse, hubNetworkError, type HubCallContext, type HubFailureReason } from "./hub-error.js";

export const DEFAULT_HUB_ENDPOINT = "https://huggingface.co";

/**
 * A repo id as the Hub accepts it: `[namespace/]name`, each part of letters, digits, `_`, `-`
 * and `.`, starting and ending with a letter, digit or `_`, with no `--` or `..` and at most 96
 * characters. So no part can be `.` or `..`, which would climb out of `/datasets/` in a URL.
 */
export const REPO_ID_PATTERN = /^(?!.*(?:--|\.\.))(?=.{1,96}$)(?:\w(?:[\w.-]*\w)?\/)?\w(?:[\w.-]*\w)?$/;

/** The Hub origin calls go to: the owner's `HF_ENDPOINT`, else huggingface.co. */
export function hubEndpointOf(services: Pick<StepServices, "secret">): string {
  return normalizeEndpoint(services.secret("HF_ENDPOINT") || DEFAULT_HUB_ENDPOINT);
}

const cardConfigSchema = z.object({ config_name: z.string() }).loose();

/** The parts of `GET /api/datasets/{repo}[/revision/{rev}]` the loaders use. */
export const datasetInfoSchema = z
  .object({
    id: z.string().optional(),
    sha: z.string(),
    private: z.boolean().optional(),
    gated: z.union([z.boolean(), z.string()]).optional(),
    cardData: z
      .object({ configs: z.array(cardConfigSchema).optional() })
      .loose()
      .nullish(),
    siblings: z.array(z.object({ rfilename: z.string() }).loose()).optional(),
  })
  .loose();
export type DatasetInfo = z.infer<typeof datasetInfoSchema>;

const treeEntrySchema = z
  .object({
    type: z.string(),
    path: z.string(),
    size: z.number().optional(),
    oid: z.string().optional(),
    lfs: z.object({ oid: z.string(), size: z.number() }).loose().nullish(),
  })
  .loose();

/** A file of a repository at a commit. */
export interface RepoFile {
  path: string;
  size: number;
}

const convertedListingSchema = z.record(z.string(), z.record(z.string(), z.array(z.string())));

export interface HubClientOptions {
  /** The Hub (or a mirror, or a test stand-in); default https://huggingface.co. */
  endpoint?: string | undefined;
  token?: string | undefined;
  fetch?: typeof fetch | undefined;
  /** Per request, body included (default 60 s). */
  timeoutMs?: number | undefined;
}

/**
 * The Hugging Face Hub's HTTP API as the loaders and the pusher use it: dataset info, the repo
 * tree, the Parquet conversion listing, Range downloads. Every failure is a HubError naming the
 * repository and the cause. The token is sent to the endpoint's origin only.
 *
 * @example
 * const hub = HubClient.fromServices(context.services);
 * const info = await hub.datasetInfo("argilla/10Kprompts-mini");
 */
export class HubClient {
  readonly endpoint: string;
  readonly token: string | undefined;
  private readonly fetchFn: typeof fetch;
  private readonly timeoutMs: number;

  constructor(options: HubClientOptions = {}) {
    this.endpoint = normalizeEndpoint(options.endpoint ?? DEFAULT_HUB_ENDPOINT);
    this.token = options.token || undefined;
    this.fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
    this.timeoutMs = options.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
  }

  /** A client from the runtime's secrets: `HF_ENDPOINT` and `HF_TOKEN`, unless given. */
  static fromServices(
    services: Pick<StepServices, "secret" | "fetch">,
    overrides: { token?: string | undefined; endpoint?: string | undefined } = {},
  ): HubClient {
    return new HubClient({
      endpoint: overrides.endpoint ?? services.secret("HF_ENDPOINT"),
      token: overrides.token ?? services.secret("HF_TOKEN"),
      fetch: services.fetch,
    });
  }

  /** The fetch this client sends with (the pusher hands it to @huggingface/hub). */
  get fetch(): typeof fetch {
    return this.fetchFn;
  }

  datasetUrl(repoId: string): string {
    return `${this.endpoint}/datasets/${repoId}`;
  }

  /** `/datasets/{repo}/resolve/{revision}/{path}`: the file's bytes (LFS files redirect to storage). */
  resolveUrl(repoId: string, path: string, revision: string): string {
    return `${this.endpoint}/datasets/${repoId}/resolve/${encodeURIComponent(revision)}/${encodePath(path)}`;
  }

  /** Sends requests for `repoId`, mapping failures to HubErrors that name it. */
  requester(repoId: string, extra: { revision?: string | undefined; notFound?: HubFailureReason | undefined } = {}): HttpRequester {
    return async (url, init) => {
      const context: HubCallContext = { repoId, what: init.what, endpoint: this.endpoint, hasToken: this.token !== undefined, ...extra };
      const headers: Record<string, string> = { ...init.headers };
      if (this.token && sameOrigin(url, this.endpoint)) headers.authorization = `Bearer ${this.token}`;
      let response: Response;
      try {
        response = await this.fetchFn(url, { method: init.method ?? "GET", headers, signal: AbortSignal.timeout(this.timeoutMs) });
      } catch (error) {
        throw hubNetworkError(error, context, this.timeoutMs);
      }
      if (!response.ok) throw await hubErrorFromResponse(response, context);
      return response;
    };
  }

  /** Dataset info at `revision` (default: the main branch): its commit sha and card data. */
  async datasetInfo(repoId: string, revision?: string): Promise<DatasetInfo> {
    assertRepoId(repoId);
    const url = revision ? `${this.endpoint}/api/datasets/${repoId}/revision/${encodeURIComponent(revision)}` : `${this.endpoint}/api/datasets/${repoId}`;
    const response = await this.requester(repoId, { revision, notFound: "repo_not_found" })(url, { what: "reading the dataset info" });
    return parseJson(response, datasetInfoSchema, repoId, "dataset info");
  }

  /** Every file of the repository at `revision` (recursive tree listing, following pagination). */
  async listFiles(repoId: string, revision: string, path = ""): Promise<RepoFile[]> {
    const files: RepoFile[] = [];
    const request = this.requester(repoId, { revision });
    let url: string | undefined =
      `${this.endpoint}/api/datasets/${repoId}/tree/${encodeURIComponent(revision)}${path ? `/${encodePath(path)}` : ""}?recursive=true&expand=false`;
    while (url) {
      const response = await request(url, { what: "listing the repository files" });
      const next = nextLink(response.headers.get("link"));
      const entries = await parseJson(response, z.array(treeEntrySchema), repoId, "tree listing");
      for (const entry of entries) if (entry.type === "file") files.push({ path: entry.path, size: entry.lfs?.size ?? entry.size ?? 0 });
      url = next === undefined ? undefined : new URL(next, this.endpoint).toString();
    }
    return files;
  }

  /**
   * The Hub's Parquet conversion of a dataset (`refs/convert/parquet`), for datasets stored as
   * CSV or JSON: `{config: {split: [url, ...]}}`, or undefined when there is none.
   */
  async convertedParquet(repoId: string): Promise<Record<string, Record<string, string[]>> | undefined> {
    try {
      const response = await this.requester(repoId)(`${this.endpoint}/api/datasets/${repoId}/parquet`, { what: "listing the Parquet conversion" });
      return await parseJson(response, convertedListingSchema, repoId, "Parquet conversion listing");
    } catch (error) {
      if (error instanceof HubError && error.reason === "entry_not_found") return undefined;
      throw error;
    }
  }

  /** URLs of the converted Parquet files of one config and split, or undefined when absent. */
  async convertedSplitParquet(repoId: string, config: string, split: string): Promise<string[] | undefined> {
    try {
      const url = `${this.endpoint}/api/datasets/${repoId}/parquet/${encodeURIComponent(config)}/${encodeURIComponent(split)}`;
      const response = await this.requester(repoId)(url, { what: `listing the Parquet files of config '${config}' split '${split}'` });
      return await parseJson(response, z.array(z.string()), repoId, "Parquet file listing");
    } catch (error) {
      if (error instanceof HubError && error.reason === "entry_not_found") return undefined;
      throw error;
    }
  }

  /** The size of a file on the Hub (one 1-byte Range request). */
  fileSize(repoId: string, url: string): Promise<number> {
    return httpFileSize(this.requester(repoId), url);
  }

  /** A small text file of the repository (the README), or undefined when it does not exist. */
  async downloadText(repoId: string, path: string, revision = "main"): Promise<string | undefined> {
    try {
      const response = await this.requester(repoId, { revision })(this.resolveUrl(repoId, path, revision), { what: `downloading '${path}'` });
      return await response.text();
    } catch (error) {
      if (error instanceof HubError && (error.reason === "entry_not_found" || error.reason === "revision_not_found")) return undefined;
      throw error;
    }
  }
}

export function assertRepoId(repoId: string, field = "repo_id"): void {
  if (!REPO_ID_PATTERN.test(repoId)) {
    throw new OptionError(`'${repoId}' is not a Hub repository id; expected 'namespace/name'`, {
      field,
      expected: "a Hub repository id such as 'user/dataset'",
    });
  }
}

function normalizeEndpoint(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new OptionError(`HF_ENDPOINT '${endpoint}' is not a URL`, { field: "HF_ENDPOINT", expected: "an http(s) URL such as https://huggingface.co" });
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new OptionError(`HF_ENDPOINT '${endpoint}' is not an http(s) URL`, { field: "HF_ENDPOINT", expected: "an http(s) URL" });
  }
  return endpoint.replace(/\/+$/, "");
}

function encodePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

function sameOrigin(url: string, endpoint: string): boolean {
  try {
    return new URL(url).origin === new URL(endpoint).origin;
  } catch {
    return false;
  }
}

/** `Link: <https://...&cursor=abc>; rel="next"`, the Hub's pagination. */
function nextLink(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(",")) {
    const match = part.match(/<([^>]+)>\s*;\s*rel="?next"?/);
    if (match?.[1]) return match[1];
  }
  return undefined;
}

async function parseJson<T>(response: Response, schema: z.ZodType<T>, repoId: string, what: string): Promise<T> {
  let body: unknown;
  try {
    body = await response.json();
  } catch (error) {
    throw new HubError(
      `The Hub sent a ${what} for dataset '${repoId}' that is not JSON`,
      { repo_id: repoId, reason: "bad_response", url: response.url },
      { cause: error },
    );
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new HubError(`The Hub sent an unexpected ${what} for dataset '${repoId}': ${parsed.error.issues[0]?.message ?? "invalid"}`, {
      repo_id: repoId,
      reason: "bad_response",
      url: response.url,
    });
  }
  return parsed.data;
}
