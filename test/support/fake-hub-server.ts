import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import { writeParquet } from "../../src/distiset/parquet/index.js";
import { FakeRepoStore, isLfsPath, newCommitOid, sha256Hex, type AddDatasetOptions, type FakeCommit, type FakeRepo } from "./fake-hub-repos.js";

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
  port?: number;
  host?: string;
  /** Valid tokens and what they may do (tokens start with `hf_`, as @huggingface/hub requires). */
  tokens?: Record<string, { write?: boolean; gated?: boolean }>;
  /** Tree listing page size, to exercise `Link` pagination. */
  treePageSize?: number;
}

export const FAKE_HUB_WRITE_TOKEN = "hf_fake_write_token";
export const FAKE_HUB_READ_TOKEN = "hf_fake_read_token";

type Route = (req: IncomingMessage, res: ServerResponse, parts: string[], url: URL) => Promise<void>;

/**
 * A loopback stand-in for the Hugging Face Hub: the routes LoadDataFromHub and push_to_hub use
 * (dataset info, tree, Parquet conversion listing, resolve with Range, repo creation, preupload,
 * LFS batch with basic transfer, NDJSON commit), private and gated repos, bad tokens, and an
 * unreachable mode. Pushed repositories stay in memory for assertions.
 *
 * @example
 * const hub = await FakeHubServer.start();
 * hub.addDataset("org/data", { files: { "data/train-00000-of-00001.parquet": writeParquet(rows) } });
 */
export class FakeHubServer {
  readonly store = new FakeRepoStore();
  readonly requests: RecordedRequest[] = [];
  /** Every LFS batch request: which transfers the client offered. */
  readonly lfsBatches: Array<{ repoId: string; transfers: string[]; objects: number }> = [];
  /** When set, every connection is dropped before an answer (a Hub that cannot be reached). */
  unreachable = false;
  url = "";
  private server: Server | undefined;
  private readonly records = new WeakMap<IncomingMessage, RecordedRequest>();
  private readonly tokens: Record<string, { write?: boolean; gated?: boolean }>;
  private readonly treePageSize: number;

  private constructor(options: FakeHubOptions) {
    this.tokens = options.tokens ?? { [FAKE_HUB_WRITE_TOKEN]: { write: true, gated: true }, [FAKE_HUB_READ_TOKEN]: {} };
    this.treePageSize = options.treePageSize ?? 1000;
  }

  static async start(options: FakeHubOptions = {}): Promise<FakeHubServer> {
    const hub = new FakeHubServer(options);
    hub.server = createServer((req, res) => void hub.handle(req, res));
    await new Promise<void>((resolve) => hub.server?.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve));
    const address = hub.server.address() as AddressInfo;
    hub.url = `http://${options.host ?? "127.0.0.1"}:${address.port}`;
    return hub;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

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

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.unreachable) {
      req.socket.destroy();
      return;
    }
    const url = new URL(req.url ?? "/", this.url);
    const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    const record: RecordedRequest = { method: req.method ?? "GET", path: url.pathname + url.search, status: 0, bytes: 0, authorized: this.token(req) !== undefined };
    this.requests.push(record);
    this.records.set(req, record);
    res.on("finish", () => {
      record.status = res.statusCode;
    });
    try {
      const route = this.route(req.method ?? "GET", parts);
      if (!route) return this.json(res, 404, { error: `No route ${req.method} ${url.pathname}` });
      await route(req, res, parts, url);
    } catch (error) {
      this.json(res, 500, { error: error instanceof Error ? error.message : String(error) });
    }
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

  private token(req: IncomingMessage): string | undefined {
    const header = req.headers.authorization;
    return header?.startsWith("Bearer ") ? header.slice(7) : undefined;
  }

  /** The Hub's answers: a bad token is 401; a missing or hidden repo is RepoNotFound (401 anonymous, 404 authenticated). */
  private authorize(req: IncomingMessage, res: ServerResponse, repo: FakeRepo | undefined, write = false): repo is FakeRepo {
    const token = this.token(req);
    const grant = token === undefined ? undefined : this.tokens[token];
    if (token !== undefined && !grant) {
      this.json(res, 401, { error: "Invalid credentials in Authorization header" });
      return false;
    }
    if (!repo || (repo.private && !grant)) {
      this.json(res, grant ? 404 : 401, { error: "Repository not found" }, { "x-error-code": "RepoNotFound" });
      return false;
    }
    if (repo.gated && !grant?.gated) {
      this.json(res, grant ? 403 : 401, { error: `Access to dataset ${repo.id} is restricted. You must have access to it and be authenticated to access it.` }, { "x-error-code": "GatedRepo" });
      return false;
    }
    if (write && !grant?.write) {
      this.json(res, 403, { error: "You don't have the rights to create a commit in this repository; the token needs write access" });
      return false;
    }
    return true;
  }

  private repoOf(p: string[], offset: number): FakeRepo | undefined {
    const name = (p[offset + 1] ?? "").replace(/\.git$/, "");
    return this.store.repos.get(`${p[offset]}/${name}`);
  }

  private commitOr404(res: ServerResponse, repo: FakeRepo, revision: string): FakeCommit | undefined {
    const commit = this.store.commitAt(repo, revision);
    if (!commit) this.json(res, 404, { error: `Invalid rev id: ${revision}` }, { "x-error-code": "RevisionNotFound" });
    return commit;
  }

  // --- reading ----------------------------------------------------------------------------

  private info: Route = async (req, res, p) => {
    const repo = this.repoOf(p, 2);
    if (!this.authorize(req, res, repo)) return;
    const commit = this.commitOr404(res, repo, p[4] === "revision" ? (p[5] ?? "main") : "main");
    if (!commit) return;
    this.json(res, 200, {
      _id: repo.id,
      id: repo.id,
      private: repo.private,
      gated: repo.gated ? "auto" : false,
      sha: commit.oid,
      cardData: this.store.cardData(commit),
      siblings: [...commit.files.keys()].map((rfilename) => ({ rfilename })),
    });
  };

  private tree: Route = async (req, res, p, url) => {
    const repo = this.repoOf(p, 2);
    if (!this.authorize(req, res, repo)) return;
    const commit = this.commitOr404(res, repo, p[5] ?? "main");
    if (!commit) return;
    const prefix = p.slice(6).join("/");
    const entries = [...commit.files]
      .filter(([path]) => prefix === "" || path.startsWith(`${prefix}/`))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([path, bytes]) => this.store.treeEntry(path, bytes));
    const start = Number(url.searchParams.get("cursor") ?? "0");
    const page = entries.slice(start, start + this.treePageSize);
    const headers: Record<string, string> = {};
    if (start + this.treePageSize < entries.length) {
      const next = new URL(url.toString());
      next.searchParams.set("cursor", String(start + this.treePageSize));
      headers.link = `<${next.toString()}>; rel="next"`;
    }
    this.json(res, 200, page, headers);
  };

  /** The Parquet conversion: listings of URLs that redirect to `refs/convert/parquet` files. */
  private parquet: Route = async (req, res, p) => {
    const repo = this.repoOf(p, 2);
    if (!this.authorize(req, res, repo)) return;
    const [config, split, file] = p.slice(5);
    const urlOf = (c: string, s: string, i: number) => `${this.url}/api/datasets/${repo.id}/parquet/${c}/${s}/${i}.parquet`;
    if (config === undefined) {
      if (Object.keys(repo.converted).length === 0) return this.json(res, 404, { error: "Not found" });
      const listing = Object.fromEntries(
        Object.entries(repo.converted).map(([c, splits]) => [c, Object.fromEntries(Object.entries(splits).map(([s, files]) => [s, files.map((_, i) => urlOf(c, s, i))]))]),
      );
      return this.json(res, 200, listing);
    }
    const files = split === undefined ? undefined : repo.converted[config]?.[split];
    if (!files || split === undefined) return this.json(res, 404, { error: `Not found: ${config}/${split ?? ""}` });
    if (file === undefined) return this.json(res, 200, files.map((_, i) => urlOf(config, split, i)));
    const index = Number(file.replace(/\.parquet$/, ""));
    res.writeHead(302, { location: `${this.url}/datasets/${repo.id}/resolve/${encodeURIComponent("refs/convert/parquet")}/${config}/${split}/${String(index).padStart(4, "0")}.parquet` });
    res.end();
  };

  private resolve: Route = async (req, res, p) => {
    const repo = this.repoOf(p, 1);
    if (!this.authorize(req, res, repo)) return;
    const revision = p[4] ?? "main";
    const path = p.slice(5).join("/");
    let bytes: Uint8Array | undefined;
    if (revision === "refs/convert/parquet") {
      const [config, split, file] = path.split("/");
      bytes = repo.converted[config ?? ""]?.[split ?? ""]?.[Number((file ?? "").replace(/\.parquet$/, ""))];
    } else {
      const commit = this.commitOr404(res, repo, revision);
      if (!commit) return;
      bytes = commit.files.get(path);
    }
    if (!bytes) return this.json(res, 404, { error: `Entry not found: ${path}` }, { "x-error-code": "EntryNotFound" });
    if (isLfsPath(path, bytes.byteLength)) {
      // LFS files redirect to storage (a presigned URL on the real Hub), with their size alongside.
      const oid = sha256Hex(bytes);
      this.store.lfsObjects.set(oid, bytes);
      res.writeHead(302, { location: `${this.url}/cdn/${oid}`, "x-linked-size": String(bytes.byteLength) });
      res.end();
      return;
    }
    this.sendBytes(req, res, bytes);
  };

  private cdn: Route = async (req, res, p) => {
    const bytes = this.store.lfsObjects.get(p[1] ?? "");
    if (!bytes) return this.json(res, 404, { error: "No such object" });
    this.sendBytes(req, res, bytes);
  };

  private sendBytes(req: IncomingMessage, res: ServerResponse, bytes: Uint8Array): void {
    const record = this.records.get(req) as RecordedRequest;
    const headers: Record<string, string> = { "accept-ranges": "bytes", "content-type": "application/octet-stream", etag: `"${sha256Hex(bytes)}"` };
    const range = parseRange(req.headers.range, bytes.byteLength);
    if (range === "unsatisfiable") {
      res.writeHead(416, { ...headers, "content-range": `bytes */${bytes.byteLength}` });
      res.end();
      return;
    }
    const body = range ? bytes.subarray(range.start, range.end + 1) : bytes;
    record.range = range ?? { start: 0, end: bytes.byteLength - 1 };
    if (range) headers["content-range"] = `bytes ${range.start}-${range.end}/${bytes.byteLength}`;
    res.writeHead(range ? 206 : 200, { ...headers, "content-length": String(body.byteLength) });
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    record.bytes = body.byteLength;
    res.end(body);
  }

  // --- pushing ----------------------------------------------------------------------------

  private createRepo: Route = async (req, res) => {
    const body = JSON.parse(await readText(req)) as { name?: string; organization?: string; type?: string; private?: boolean; visibility?: string };
    const token = this.token(req);
    const grant = token === undefined ? undefined : this.tokens[token];
    if (!grant) return this.json(res, 401, { error: token === undefined ? "You must be authenticated to create a repo" : "Invalid credentials in Authorization header" });
    if (!grant.write) return this.json(res, 403, { error: "You don't have the rights to create a dataset under this namespace" });
    if (body.type !== "dataset") return this.json(res, 400, { error: `The stand-in only hosts datasets, got type '${String(body.type)}'` });
    const id = `${body.organization}/${body.name}`;
    if (this.store.repos.has(id)) return this.json(res, 409, { error: "You already created this dataset repo", url: `${this.url}/datasets/${id}` });
    this.store.add(id, { private: body.visibility === "private" || body.private === true });
    this.json(res, 200, { url: `${this.url}/datasets/${id}`, name: id, id });
  };

  private preupload: Route = async (req, res, p) => {
    const repo = this.repoOf(p, 2);
    if (!this.authorize(req, res, repo, true)) return;
    const body = JSON.parse(await readText(req)) as { files: Array<{ path: string; size: number }> };
    this.json(res, 200, {
      files: body.files.map((f) => ({ path: f.path, uploadMode: isLfsPath(f.path, f.size) ? "lfs" : "regular", shouldIgnore: false })),
    });
  };

  /** Git LFS batch: only the `basic` transfer is offered, so a client preferring Xet must fall back. */
  private lfsBatch: Route = async (req, res, p) => {
    const repo = this.repoOf(p, 1);
    if (!this.authorize(req, res, repo, true)) return;
    const body = JSON.parse(await readText(req)) as { transfers?: string[]; objects: Array<{ oid: string; size: number }> };
    this.lfsBatches.push({ repoId: repo.id, transfers: body.transfers ?? [], objects: body.objects.length });
    const objects = body.objects.map(({ oid, size }) =>
      this.store.lfsObjects.has(oid) ? { oid, size } : { oid, size, authenticated: true, actions: { upload: { href: `${this.url}/lfs-upload/${oid}?size=${size}` } } },
    );
    this.json(res, 200, { transfer: "basic", objects }, { "content-type": "application/vnd.git-lfs+json" });
  };

  private lfsUpload: Route = async (req, res, p) => {
    const bytes = await readBytes(req);
    const record = this.records.get(req) as RecordedRequest;
    record.bytes = bytes.byteLength;
    const oid = p[1] ?? "";
    if (sha256Hex(bytes) !== oid) return this.json(res, 400, { error: `Uploaded bytes do not hash to ${oid}` });
    this.store.lfsObjects.set(oid, bytes);
    res.writeHead(200, { etag: `"${oid}"` });
    res.end();
  };

  private commit: Route = async (req, res, p) => {
    const repo = this.repoOf(p, 2);
    if (!this.authorize(req, res, repo, true)) return;
    const head = this.store.commitAt(repo, p[5] ?? "main");
    if (!head) return this.json(res, 404, { error: "Invalid rev id" }, { "x-error-code": "RevisionNotFound" });
    const lines = (await readText(req)).split("\n").filter(Boolean).map((line) => JSON.parse(line) as { key: string; value: Record<string, unknown> });
    const header = lines.find((l) => l.key === "header")?.value ?? {};
    if (typeof header.parentCommit === "string" && header.parentCommit !== head.oid) return this.json(res, 412, { error: "A commit has happened since the parent commit" });
    const files = new Map(head.files);
    const operations: FakeCommit["operations"] = [];
    for (const { key, value } of lines) {
      const path = String(value.path);
      if (key === "file") {
        files.set(path, new Uint8Array(Buffer.from(String(value.content), value.encoding === "base64" ? "base64" : "utf8")));
        operations.push({ op: "add", path });
      } else if (key === "lfsFile") {
        const bytes = this.store.lfsObjects.get(String(value.oid));
        if (!bytes) return this.json(res, 422, { error: `LFS object ${String(value.oid)} for '${path}' was never uploaded` });
        files.set(path, bytes);
        operations.push({ op: "lfs", path });
      } else if (key === "deletedFile") {
        files.delete(path);
        operations.push({ op: "delete", path });
      }
    }
    const oid = newCommitOid();
    repo.commits.push({ oid, title: String(header.summary ?? ""), description: typeof header.description === "string" ? header.description : undefined, files, operations });
    this.json(res, 200, { success: true, commitOid: oid, commitUrl: `${this.url}/datasets/${repo.id}/commit/${oid}`, hookOutput: "" });
  };

  // --- admin (for end-to-end tests driving a standalone stand-in) --------------------------

  private admin: Route = async (req, res, p, url) => {
    const action = p[1];
    if (action === "datasets" && req.method === "POST") {
      const body = JSON.parse(await readText(req)) as { repo_id: string; rows: Array<Record<string, unknown>>; split?: string; private?: boolean; gated?: boolean };
      this.addDataset(body.repo_id, {
        private: body.private ?? false,
        gated: body.gated ?? false,
        files: { [`data/${body.split ?? "train"}-00000-of-00001.parquet`]: writeParquet(body.rows) },
      });
      return this.json(res, 200, { repo_id: body.repo_id, rows: body.rows.length });
    }
    if (action === "repos" && req.method === "GET") {
      const repo = this.store.repos.get(`${p[2]}/${p[3]}`);
      if (!repo) return this.json(res, 404, { error: "no such repo" });
      const head = this.store.head(repo);
      return this.json(res, 200, {
        id: repo.id,
        private: repo.private,
        sha: head.oid,
        files: [...head.files].map(([path, bytes]) => ({ path, size: bytes.byteLength, sha256: sha256Hex(bytes) })),
        commits: repo.commits.map((c) => ({ oid: c.oid, title: c.title, operations: c.operations })),
        lfs_batches: this.lfsBatches.filter((b) => b.repoId === repo.id),
      });
    }
    if (action === "file" && req.method === "GET") {
      const bytes = this.file(url.searchParams.get("repo") ?? "", url.searchParams.get("path") ?? "");
      if (!bytes) return this.json(res, 404, { error: "no such file" });
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(bytes.byteLength) });
      res.end(bytes);
      return;
    }
    if (action === "requests") return this.json(res, 200, this.requests.filter((r) => !r.path.startsWith("/__admin")));
    if (action === "unreachable" && req.method === "POST") {
      const body = JSON.parse(await readText(req)) as { on?: boolean };
      // Takes effect for the next connection; this answer still goes out.
      setImmediate(() => {
        this.unreachable = body.on ?? true;
      });
      return this.json(res, 200, { unreachable: body.on ?? true });
    }
    this.json(res, 404, { error: `No admin action '${action ?? ""}'` });
  };

  private json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json", ...headers, "content-length": String(Buffer.byteLength(text)) });
    res.end(text);
  }
}

function parseRange(header: string | undefined, size: number): { start: number; end: number } | "unsatisfiable" | undefined {
  const match = header?.match(/^bytes=(\d*)-(\d*)$/);
  if (!match) return undefined;
  const [, from, to] = match;
  let start: number;
  let end: number;
  if (from === "") {
    start = Math.max(0, size - Number(to));
    end = size - 1;
  } else {
    start = Number(from);
    end = to === "" ? size - 1 : Math.min(Number(to), size - 1);
  }
  return start > end || start >= size ? "unsatisfiable" : { start, end };
}

async function readBytes(req: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

async function readText(req: IncomingMessage): Promise<string> {
  return new TextDecoder().decode(await readBytes(req));
}

/** The quickstart's dataset, shaped like distilabel-internal-testing/instruction-dataset-mini. */
export function quickstartRows(count = 10): Array<Record<string, unknown>> {
  return Array.from({ length: count }, (_, i) => ({
    prompt: `Write a haiku about the number ${i}.`,
    completion: `Number ${i} sits\nquietly between the rest\ncounting on its friends`,
    meta: { category: "Poetry", id: i },
  }));
}

async function main(argv: string[]): Promise<void> {
  const arg = (name: string) => {
    const index = argv.indexOf(`--${name}`);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const hub = await FakeHubServer.start({ port: Number(arg("port") ?? "0"), host: arg("host") ?? "127.0.0.1" });
  if (!argv.includes("--no-seed")) {
    hub.addDataset("distilabel-internal-testing/instruction-dataset-mini", { files: { "data/test-00000-of-00001.parquet": writeParquet(quickstartRows()) } });
    hub.addDataset("distilflare-test/private-dataset", { private: true, files: { "data/train-00000-of-00001.parquet": writeParquet(quickstartRows(3)) } });
  }
  console.log(JSON.stringify({ url: hub.url, write_token: FAKE_HUB_WRITE_TOKEN, read_token: FAKE_HUB_READ_TOKEN }));
  const stop = () => void hub.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main(process.argv.slice(2));
