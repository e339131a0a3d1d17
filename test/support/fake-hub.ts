import { Buffer } from "node:buffer";
import { writeParquet } from "../../src/distiset/parquet/index.js";
import { json, redirect, sendBytes } from "./fake-hub-http.js";
import { FakeRepoStore, isLfsPath, newCommitOid, sha256Hex, type AddDatasetOptions, type FakeCommit, type FakeRepo } from "./fake-hub-repos.js";

export { quickstartRows } from "./fake-hub-repos.js";

/** One request the stand-in answered, with the byte range it served (for bounded-read assertions). */
export interface RecordedRequest {
  method: string;
  path: string;
  status: number;
  range?: { start: number; end: number } | undefined;
  /** Body bytes sent (downloads) or received (uploads). */
  bytes: number;
  authorized: boolean;
}

export interface FakeHubOptions {
  /** Valid tokens and what they may do (tokens start with `hf_`, as @huggingface/hub requires). */
  tokens?: Record<string, { write?: boolean; gated?: boolean }>;
  /** Tree listing page size, to exercise `Link` pagination. */
  treePageSize?: number;
}

export const FAKE_HUB_WRITE_TOKEN = "hf_fake_write_token";
export const FAKE_HUB_READ_TOKEN = "hf_fake_read_token";

interface Call {
  request: Request;
  parts: string[];
  url: URL;
  record: RecordedRequest;
}
type Route = (call: Call) => Promise<Response>;

/**
 * The Hugging Face Hub stand-in as a fetch handler, so it runs behind a loopback HTTP server
 * (FakeHubServer) or in-process, even inside workerd (`hub.fetch` as a client's fetch). It
 * serves the routes LoadDataFromHub and push_to_hub use: dataset info, tree, Parquet conversion
 * listing, resolve with Range (LFS files redirect to a CDN route), repo creation, preupload,
 * LFS batch offering only the `basic` transfer, and the NDJSON commit. Repos live in memory.
 */
export class FakeHub {
  readonly store = new FakeRepoStore();
  readonly requests: RecordedRequest[] = [];
  /** Every LFS batch request: which transfers the client offered. */
  readonly lfsBatches: Array<{ repoId: string; transfers: string[]; objects: number }> = [];
  /** When set, the Hub cannot be reached (the server drops connections, `fetch` throws). */
  unreachable = false;
  /** The origin links and redirects point at. */
  baseUrl: string;
  private readonly tokens: Record<string, { write?: boolean; gated?: boolean }>;
  private readonly treePageSize: number;

  constructor(baseUrl = "http://fake-hub.test", options: FakeHubOptions = {}) {
    this.baseUrl = baseUrl;
    this.tokens = options.tokens ?? { [FAKE_HUB_WRITE_TOKEN]: { write: true, gated: true }, [FAKE_HUB_READ_TOKEN]: {} };
    this.treePageSize = options.treePageSize ?? 1000;
  }

  /** A fetch bound to the stand-in (follows redirects like a real fetch; throws when unreachable). */
  readonly fetch: typeof fetch = async (input, init) => {
    let request = new Request(input as RequestInfo, init);
    for (let hop = 0; hop < 5; hop++) {
      if (this.unreachable) throw new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED (fake hub unreachable)") });
      const response = await this.handle(request);
      const location = response.headers.get("location");
      if (response.status !== 302 || !location) return response;
      request = new Request(new URL(location, request.url), { method: request.method, headers: request.headers });
    }
    throw new TypeError("fetch failed: too many redirects");
  };

  addDataset(repoId: string, options: AddDatasetOptions = {}): FakeRepo {
    return this.store.add(repoId, options);
  }

  repo(repoId: string): FakeRepo | undefined {
    return this.store.repos.get(repoId);
  }

  /** A file of a repository at main. */
  file(repoId: string, path: string): Uint8Array | undefined {
    const repo = this.repo(repoId);
    return repo ? this.store.head(repo).files.get(path) : undefined;
  }

  /** Body bytes served for requests whose path contains `pathPart` (all when omitted). */
  bytesServed(pathPart = ""): number {
    return this.requests.filter((r) => r.method !== "PUT" && r.path.includes(pathPart)).reduce((sum, r) => sum + r.bytes, 0);
  }

  /** Answers one request (redirects are returned, not followed). */
  async handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    const record: RecordedRequest = {
      method: request.method,
      path: url.pathname + url.search,
      status: 0,
      bytes: 0,
      authorized: this.token(request) !== undefined,
    };
    this.requests.push(record);
    let response: Response;
    try {
      const route = this.route(request.method, parts);
      response = route ? await route({ request, parts, url, record }) : json(404, { error: `No route ${request.method} ${url.pathname}` });
    } catch (error) {
      response = json(500, { error: error instanceof Error ? error.message : String(error) });
    }
    record.status = response.status;
    return response;
  }

  private route(method: string, p: string[]): Route | undefined {
    if (p[0] === "__admin") return this.admin;
    if (p[0] === "api" && p[1] === "datasets" && p.length >= 4) {
      const rest = p.slice(4);
      if (method === "GET" && (rest.length === 0 || rest[0] === "revision")) return this.info;
      if (method === "GET" && rest[0] === "tree") return this.tree;
      if (method === "GET" && rest[0] === "parquet") return this.parquet;
      if (method === "POST" && rest[0] === "preupload") return this.preupload;
      if (method === "POST" && rest[0] === "commit") return this.commit;
    }
    if (p[0] === "api" && p[1] === "repos" && p[2] === "create" && method === "POST") return this.createRepo;
    if (p[0] === "datasets" && p[3] === "resolve" && (method === "GET" || method === "HEAD")) return this.resolve;
    if (p[0] === "datasets" && p[2]?.endsWith(".git") && p.slice(3).join("/") === "info/lfs/objects/batch" && method === "POST") return this.lfsBatch;
    if (p[0] === "lfs-upload" && method === "PUT") return this.lfsUpload;
    if (p[0] === "cdn" && (method === "GET" || method === "HEAD")) return this.cdn;
    return undefined;
  }

  // --- auth -------------------------------------------------------------------------------

  private token(request: Request): string | undefined {
    const header = request.headers.get("authorization");
    return header?.startsWith("Bearer ") ? header.slice(7) : undefined;
  }

  /** The Hub's answers: a bad token is 401; a missing or hidden repo is RepoNotFound (401 anonymous, 404 authenticated). */
  private refuse(request: Request, repo: FakeRepo | undefined, write = false): Response | undefined {
    const token = this.token(request);
    const grant = token === undefined ? undefined : this.tokens[token];
    if (token !== undefined && !grant) return json(401, { error: "Invalid credentials in Authorization header" });
    if (!repo || (repo.private && !grant)) return json(grant ? 404 : 401, { error: "Repository not found" }, { "x-error-code": "RepoNotFound" });
    if (repo.gated && !grant?.gated) {
      return json(
        grant ? 403 : 401,
        { error: `Access to dataset ${repo.id} is restricted. You must have access to it and be authenticated to access it.` },
        { "x-error-code": "GatedRepo" },
      );
    }
    if (write && !grant?.write) return json(403, { error: "You don't have the rights to create a commit in this repository; the token needs write access" });
    return undefined;
  }

  private repoOf(p: string[], offset: number): FakeRepo | undefined {
    const name = (p[offset + 1] ?? "").replace(/\.git$/, "");
    return this.store.repos.get(`${p[offset]}/${name}`);
  }

  private commitAt(repo: FakeRepo, revision: string): FakeCommit | Response {
    return this.store.commitAt(repo, revision) ?? json(404, { error: `Invalid rev id: ${revision}` }, { "x-error-code": "RevisionNotFound" });
  }

  // --- reading ----------------------------------------------------------------------------

  private info: Route = async ({ request, parts: p }) => {
    const repo = this.repoOf(p, 2);
    const refused = this.refuse(request, repo);
    if (refused || !repo) return refused as Response;
    const commit = this.commitAt(repo, p[4] === "revision" ? (p[5] ?? "main") : "main");
    if (commit instanceof Response) return commit;
    return json(200, {
      _id: repo.id,
      id: repo.id,
      private: repo.private,
      gated: repo.gated ? "auto" : false,
      sha: commit.oid,
      cardData: this.store.cardData(commit),
      siblings: [...commit.files.keys()].map((rfilename) => ({ rfilename })),
    });
  };

  private tree: Route = async ({ request, parts: p, url }) => {
    const repo = this.repoOf(p, 2);
    const refused = this.refuse(request, repo);
    if (refused || !repo) return refused as Response;
    const commit = this.commitAt(repo, p[5] ?? "main");
    if (commit instanceof Response) return commit;
    const prefix = p.slice(6).join("/");
    const entries = [...commit.files]
      .filter(([path]) => prefix === "" || path.startsWith(`${prefix}/`))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([path, bytes]) => this.store.treeEntry(path, bytes));
    const start = Number(url.searchParams.get("cursor") ?? "0");
    const headers: Record<string, string> = {};
    if (start + this.treePageSize < entries.length) {
      const next = new URL(url.toString());
      next.searchParams.set("cursor", String(start + this.treePageSize));
      headers.link = `<${next.toString()}>; rel="next"`;
    }
    return json(200, entries.slice(start, start + this.treePageSize), headers);
  };

  /** The Parquet conversion: listings of URLs that redirect to `refs/convert/parquet` files. */
  private parquet: Route = async ({ request, parts: p }) => {
    const repo = this.repoOf(p, 2);
    const refused = this.refuse(request, repo);
    if (refused || !repo) return refused as Response;
    const [config, split, file] = p.slice(5);
    const urlOf = (c: string, s: string, i: number) => `${this.baseUrl}/api/datasets/${repo.id}/parquet/${c}/${s}/${i}.parquet`;
    if (config === undefined) {
      if (Object.keys(repo.converted).length === 0) return json(404, { error: "Not found" });
      return json(
        200,
        Object.fromEntries(
          Object.entries(repo.converted).map(([c, splits]) => [
            c,
            Object.fromEntries(Object.entries(splits).map(([s, files]) => [s, files.map((_, i) => urlOf(c, s, i))])),
          ]),
        ),
      );
    }
    const files = split === undefined ? undefined : repo.converted[config]?.[split];
    if (!files || split === undefined) return json(404, { error: `Not found: ${config}/${split ?? ""}` });
    if (file === undefined)
      return json(
        200,
        files.map((_, i) => urlOf(config, split, i)),
      );
    const index = String(Number(file.replace(/\.parquet$/, ""))).padStart(4, "0");
    return redirect(`${this.baseUrl}/datasets/${repo.id}/resolve/${encodeURIComponent("refs/convert/parquet")}/${config}/${split}/${index}.parquet`);
  };

  private resolve: Route = async ({ request, parts: p, record }) => {
    const repo = this.repoOf(p, 1);
    const refused = this.refuse(request, repo);
    if (refused || !repo) return refused as Response;
    const revision = p[4] ?? "main";
    const path = p.slice(5).join("/");
    let bytes: Uint8Array | undefined;
    if (revision === "refs/convert/parquet") {
      const [config, split, file] = path.split("/");
      bytes = repo.converted[config ?? ""]?.[split ?? ""]?.[Number((file ?? "").replace(/\.parquet$/, ""))];
    } else {
      const commit = this.commitAt(repo, revision);
      if (commit instanceof Response) return commit;
      bytes = commit.files.get(path);
    }
    if (!bytes) return json(404, { error: `Entry not found: ${path}` }, { "x-error-code": "EntryNotFound" });
    if (isLfsPath(path, bytes.byteLength)) {
      // LFS files redirect to storage (a presigned URL on the real Hub), with their size alongside.
      const oid = sha256Hex(bytes);
      this.store.lfsObjects.set(oid, bytes);
      return redirect(`${this.baseUrl}/cdn/${oid}`, { "x-linked-size": String(bytes.byteLength) });
    }
    return sendBytes(request, record, bytes);
  };

  private cdn: Route = async ({ request, parts: p, record }) => {
    const bytes = this.store.lfsObjects.get(p[1] ?? "");
    return bytes ? sendBytes(request, record, bytes) : json(404, { error: "No such object" });
  };

  // --- pushing ----------------------------------------------------------------------------

  private createRepo: Route = async ({ request }) => {
    const body = (await request.json()) as { name?: string; organization?: string; type?: string; private?: boolean; visibility?: string };
    const token = this.token(request);
    const grant = token === undefined ? undefined : this.tokens[token];
    if (!grant) return json(401, { error: token === undefined ? "You must be authenticated to create a repo" : "Invalid credentials in Authorization header" });
    if (!grant.write) return json(403, { error: "You don't have the rights to create a dataset under this namespace" });
    if (body.type !== "dataset") return json(400, { error: `The stand-in only hosts datasets, got type '${String(body.type)}'` });
    const id = `${body.organization}/${body.name}`;
    if (this.store.repos.has(id)) return json(409, { error: "You already created this dataset repo", url: `${this.baseUrl}/datasets/${id}` });
    this.store.add(id, { private: body.visibility === "private" || body.private === true });
    return json(200, { url: `${this.baseUrl}/datasets/${id}`, name: id, id });
  };

  private preupload: Route = async ({ request, parts: p }) => {
    const repo = this.repoOf(p, 2);
    const refused = this.refuse(request, repo, true);
    if (refused) return refused;
    const body = (await request.json()) as { files: Array<{ path: string; size: number }> };
    return json(200, { files: body.files.map((f) => ({ path: f.path, uploadMode: isLfsPath(f.path, f.size) ? "lfs" : "regular", shouldIgnore: false })) });
  };

  /** Git LFS batch: only the `basic` transfer is offered, so a client preferring Xet must fall back. */
  private lfsBatch: Route = async ({ request, parts: p }) => {
    const repo = this.repoOf(p, 1);
    const refused = this.refuse(request, repo, true);
    if (refused || !repo) return refused as Response;
    const body = (await request.json()) as { transfers?: string[]; objects: Array<{ oid: string; size: number }> };
    this.lfsBatches.push({ repoId: repo.id, transfers: body.transfers ?? [], objects: body.objects.length });
    const objects = body.objects.map(({ oid, size }) =>
      this.store.lfsObjects.has(oid)
        ? { oid, size }
        : { oid, size, authenticated: true, actions: { upload: { href: `${this.baseUrl}/lfs-upload/${oid}?size=${size}` } } },
    );
    return json(200, { transfer: "basic", objects }, { "content-type": "application/vnd.git-lfs+json" });
  };

  private lfsUpload: Route = async ({ request, parts: p, record }) => {
    const bytes = new Uint8Array(await request.arrayBuffer());
    record.bytes = bytes.byteLength;
    const oid = p[1] ?? "";
    if (sha256Hex(bytes) !== oid) return json(400, { error: `Uploaded bytes do not hash to ${oid}` });
    this.store.lfsObjects.set(oid, bytes);
    return new Response(null, { status: 200, headers: { etag: `"${oid}"` } });
  };

  private commit: Route = async ({ request, parts: p }) => {
    const repo = this.repoOf(p, 2);
    const refused = this.refuse(request, repo, true);
    if (refused || !repo) return refused as Response;
    const head = this.commitAt(repo, p[5] ?? "main");
    if (head instanceof Response) return head;
    const lines = (await request.text())
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { key: string; value: Record<string, unknown> });
    const header = lines.find((l) => l.key === "header")?.value ?? {};
    if (typeof header.parentCommit === "string" && header.parentCommit !== head.oid)
      return json(412, { error: "A commit has happened since the parent commit" });
    const files = new Map(head.files);
    const operations: FakeCommit["operations"] = [];
    for (const { key, value } of lines) {
      const path = String(value.path);
      if (key === "file") {
        files.set(path, new Uint8Array(Buffer.from(String(value.content), value.encoding === "base64" ? "base64" : "utf8")));
        operations.push({ op: "add", path });
      } else if (key === "lfsFile") {
        const bytes = this.store.lfsObjects.get(String(value.oid));
        if (!bytes) return json(422, { error: `LFS object ${String(value.oid)} for '${path}' was never uploaded` });
        files.set(path, bytes);
        operations.push({ op: "lfs", path });
      } else if (key === "deletedFile") {
        files.delete(path);
        operations.push({ op: "delete", path });
      }
    }
    const oid = newCommitOid();
    repo.commits.push({
      oid,
      title: String(header.summary ?? ""),
      description: typeof header.description === "string" ? header.description : undefined,
      files,
      operations,
    });
    return json(200, { success: true, commitOid: oid, commitUrl: `${this.baseUrl}/datasets/${repo.id}/commit/${oid}`, hookOutput: "" });
  };

  // --- admin (for end-to-end tests driving a standalone stand-in) --------------------------

  private admin: Route = async ({ request, parts: p, url }) => {
    const action = p[1];
    if (action === "datasets" && request.method === "POST") {
      const body = (await request.json()) as { repo_id: string; rows: Array<Record<string, unknown>>; split?: string; private?: boolean; gated?: boolean };
      this.addDataset(body.repo_id, {
        private: body.private ?? false,
        gated: body.gated ?? false,
        files: { [`data/${body.split ?? "train"}-00000-of-00001.parquet`]: writeParquet(body.rows) },
      });
      return json(200, { repo_id: body.repo_id, rows: body.rows.length });
    }
    if (action === "repos" && request.method === "GET") {
      const repo = this.store.repos.get(`${p[2]}/${p[3]}`);
      if (!repo) return json(404, { error: "no such repo" });
      const head = this.store.head(repo);
      return json(200, {
        id: repo.id,
        private: repo.private,
        sha: head.oid,
        files: [...head.files].map(([path, bytes]) => ({ path, size: bytes.byteLength, sha256: sha256Hex(bytes) })),
        commits: repo.commits.map((c) => ({ oid: c.oid, title: c.title, operations: c.operations })),
        lfs_batches: this.lfsBatches.filter((b) => b.repoId === repo.id),
      });
    }
    if (action === "file" && request.method === "GET") {
      const bytes = this.file(url.searchParams.get("repo") ?? "", url.searchParams.get("path") ?? "");
      if (!bytes) return json(404, { error: "no such file" });
      return new Response(bytes as Uint8Array<ArrayBuffer>, { status: 200, headers: { "content-type": "application/octet-stream" } });
    }
    if (action === "requests")
      return json(
        200,
        this.requests.filter((r) => !r.path.startsWith("/__admin")),
      );
    if (action === "unreachable" && request.method === "POST") {
      const body = (await request.json()) as { on?: boolean };
      // Takes effect after this answer has gone out.
      setTimeout(() => {
        this.unreachable = body.on ?? true;
      }, 0);
      return json(200, { unreachable: body.on ?? true });
    }
    return json(404, { error: `No admin action '${action ?? ""}'` });
  };
}
